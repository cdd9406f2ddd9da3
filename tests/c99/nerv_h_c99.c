/* nerv.h must compile alone as strict C99 (-std=c99 -pedantic-errors -Werror) and its
 * basic contract must hold from C: defaults, validation, NULL-safe close. */
#include "nerv/nerv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                   \
    do {                                                              \
        if (!(cond)) {                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            failures++;                                               \
        }                                                             \
    } while (0)

int main(void)
{
    NervEncoderSettings s;
    NervDecoderSettings d;
    NervEncoder *enc = NULL;
    NervDecoder *dec = NULL;
    int ret;

    CHECK(nerv_api_version() == NERV_API_VERSION);
    CHECK(strlen(nerv_version()) > 0);

    nerv_encoder_default_settings(&s);
    CHECK(s.width == 0 && s.height == 0);
    CHECK(s.qbits == 8 && s.qbits_embed == 6);
    ret = nerv_encoder_open(&enc, &s); /* no size given */
    CHECK(ret == -EINVAL);
    CHECK(enc == NULL);
    CHECK(strstr(nerv_last_error(), "width") != NULL);

    nerv_decoder_default_settings(&d);
    ret = nerv_decoder_open(&dec, &d);
    CHECK(ret == 0 && dec != NULL);
    nerv_decoder_close(&dec);
    CHECK(dec == NULL);
    nerv_decoder_close(&dec);
    nerv_encoder_close(&enc);
    nerv_encoder_close(NULL);

    if (failures == 0)
        printf("nerv.h C99: ok (libnerv %s)\n", nerv_version());
    return failures ? 1 : 0;
}
