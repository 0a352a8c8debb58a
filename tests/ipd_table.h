/* The classic iterated prisoner's dilemma, worked out by hand: shared by the
 * engine's test and the tournament's. */
#ifndef CT_TEST_IPD_TABLE_H
#define CT_TEST_IPD_TABLE_H

/* 200 rounds, (R, S, T, P) = (3, 0, 5, 1): the totals of every ordered pair,
 * row strategy first (e.g. tit_for_tat vs alternator: round 1 pays 3/3, then
 * tit_for_tat echoes the alternator's last move, so the 100 even rounds pay 0/5
 * and the 99 odd rounds from 3 pay 5/0: 498 to 503; suspicious_tit_for_tat vs
 * win_stay_lose_shift cycles (D,C), (C,D), (D,D): 66 cycles of 6/6 plus 5/0 and
 * 0/5: 401 to 401). */
static const char *const ipd_names[] = {"cooperator",       "defector",
                                        "tit_for_tat",      "grudger",
                                        "tit_for_two_tats", "suspicious_tit_for_tat",
                                        "alternator",       "win_stay_lose_shift"};
// clang-format off
static const int ipd_scores[8][8][2] = {
    /*        C            D           TFT         GRU         TF2T        STFT        ALT         WSLS */
    /* C */  {{600, 600}, {0, 1000},  {600, 600}, {600, 600}, {600, 600}, {597, 602}, {300, 800}, {600, 600}},
    /* D */  {{1000, 0},  {200, 200}, {204, 199}, {204, 199}, {208, 198}, {200, 200}, {600, 100}, {600, 100}},
    /* TFT */{{600, 600}, {199, 204}, {600, 600}, {600, 600}, {600, 600}, {500, 500}, {498, 503}, {600, 600}},
    /* GRU */{{600, 600}, {199, 204}, {600, 600}, {600, 600}, {600, 600}, {203, 203}, {597, 107}, {600, 600}},
    /* TF2T*/{{600, 600}, {198, 208}, {600, 600}, {600, 600}, {600, 600}, {597, 602}, {300, 800}, {600, 600}},
    /* STFT*/{{602, 597}, {200, 200}, {500, 500}, {203, 203}, {602, 597}, {200, 200}, {500, 500}, {401, 401}},
    /* ALT */{{800, 300}, {100, 600}, {503, 498}, {107, 597}, {800, 300}, {500, 500}, {400, 400}, {450, 450}},
    /* WSLS*/{{600, 600}, {100, 600}, {600, 600}, {600, 600}, {600, 600}, {401, 401}, {450, 450}, {600, 600}},
};
// clang-format on

#endif
