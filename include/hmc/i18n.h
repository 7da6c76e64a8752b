/*
 * i18n.h — the user's language.
 *
 * Swedish by default; English when LANG, LC_ALL, LC_MESSAGES or LANGUAGE
 * asks for it ("en", "en_GB.UTF-8", ...).  Messages are written in English
 * in the source and translated through gettext (po/sv.po).  Works on a
 * machine with no Swedish locale generated: gettext only needs a locale
 * other than plain "C", and C.UTF-8 is always there.
 */
#ifndef HMC_I18N_H
#define HMC_I18N_H

#include <libintl.h>

#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)

/* Sets the locale and message catalogue: from HMC_LOCALEDIR in the
 * environment, else next to the binary (build/locale, ../share/locale),
 * else the built-in directory. */
void i18n_init(void);

/* 1 when the user asked for English, 0 for Swedish. */
int i18n_english(void);

/* While on, _() gives the source text (the msgid), untranslated: for
 * reasons kept in no language (reason.h), which store_seterr then keeps
 * beside its message in the user's language.  Calls do not nest. */
void i18n_source(int on);
int i18n_in_source(void);

#endif
