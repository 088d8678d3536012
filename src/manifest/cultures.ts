// Culture names of `<resources culture="…">` → Windows LANGIDs (MS-LCID). mc.exe writes one
// message table per culture, and the .rc's LANGUAGE statement is the LANGID's primary and sub
// language. The table covers the cultures Windows ships resources for; matching is case-insensitive.

const LANGIDS: Record<string, number> = {
  'ar-sa': 0x0401, 'bg-bg': 0x0402, 'ca-es': 0x0403, 'zh-tw': 0x0404, 'cs-cz': 0x0405, 'da-dk': 0x0406, 'de-de': 0x0407,
  'el-gr': 0x0408, 'en-us': 0x0409, 'es-es_tradnl': 0x040a, 'fi-fi': 0x040b, 'fr-fr': 0x040c, 'he-il': 0x040d, 'hu-hu': 0x040e,
  'is-is': 0x040f, 'it-it': 0x0410, 'ja-jp': 0x0411, 'ko-kr': 0x0412, 'nl-nl': 0x0413, 'nb-no': 0x0414, 'pl-pl': 0x0415,
  'pt-br': 0x0416, 'rm-ch': 0x0417, 'ro-ro': 0x0418, 'ru-ru': 0x0419, 'hr-hr': 0x041a, 'sk-sk': 0x041b, 'sq-al': 0x041c,
  'sv-se': 0x041d, 'th-th': 0x041e, 'tr-tr': 0x041f, 'ur-pk': 0x0420, 'id-id': 0x0421, 'uk-ua': 0x0422, 'be-by': 0x0423,
  'sl-si': 0x0424, 'et-ee': 0x0425, 'lv-lv': 0x0426, 'lt-lt': 0x0427, 'fa-ir': 0x0429, 'vi-vn': 0x042a, 'hy-am': 0x042b,
  'eu-es': 0x042d, 'mk-mk': 0x042f, 'af-za': 0x0436, 'ka-ge': 0x0437, 'hi-in': 0x0439, 'ms-my': 0x043e, 'kk-kz': 0x043f,
  'sw-ke': 0x0441, 'bn-in': 0x0445, 'ta-in': 0x0449, 'te-in': 0x044a, 'mr-in': 0x044e, 'gl-es': 0x0456, 'zh-cn': 0x0804,
  'de-ch': 0x0807, 'en-gb': 0x0809, 'es-mx': 0x080a, 'fr-be': 0x080c, 'it-ch': 0x0810, 'nl-be': 0x0813, 'nn-no': 0x0814,
  'pt-pt': 0x0816, 'sr-latn-cs': 0x081a, 'sv-fi': 0x081d, 'zh-hk': 0x0c04, 'de-at': 0x0c07, 'en-au': 0x0c09, 'es-es': 0x0c0a,
  'fr-ca': 0x0c0c, 'sr-cyrl-cs': 0x0c1a, 'zh-sg': 0x1004, 'de-lu': 0x1007, 'en-ca': 0x1009, 'fr-ch': 0x100c, 'en-nz': 0x1409,
  'en-ie': 0x1809, 'sr-latn-rs': 0x241a, 'sr-cyrl-rs': 0x281a, 'en-in': 0x4009, 'neutral': 0x0000,
};

export function cultureLanguageId(culture: string): number | undefined {
  return LANGIDS[culture.toLowerCase()];
}

export function languageIdCulture(languageId: number): string | undefined {
  for (const [k, v] of Object.entries(LANGIDS)) if (v === languageId) return k.replace(/-(\w+)$/, (_, r: string) => '-' + r.toUpperCase());
  return undefined;
}
