// Dialling facts the phone transform needs, per ITU calling code: the national trunk prefix (dialled
// before the area code inside the country, dropped in international form) and how many digits the
// national significant number has. Covers the common business countries; other codes fall back to the
// E.164 limits. Sources: ITU-T E.164 national numbering plans, Wikipedia "List of telephone trunk
// prefixes". A small stand-in for libphonenumber-js, which would know every plan exactly.

export interface DialPlan {
  /** Trunk prefix ("0" in most countries, "1" in the NANP, "" where there is none). */
  trunk: string;
  /** National significant number length, inclusive. */
  min: number;
  max: number;
}

/** When a code is not listed: trunk "0" for national input (most countries), the E.164 limits. */
export const FALLBACK_PLAN: DialPlan = { trunk: "0", min: 4, max: 13 };

const plan = (trunk: string, min: number, max = min): DialPlan => ({ trunk, min, max });

export const DIAL_PLANS: Readonly<Record<string, DialPlan>> = {
  "1": plan("1", 10),
  "7": plan("8", 10),
  "20": plan("0", 8, 10),
  "27": plan("0", 9),
  "30": plan("", 10),
  "31": plan("0", 9),
  "32": plan("0", 8, 9),
  "33": plan("0", 9),
  "34": plan("", 9),
  "36": plan("06", 8, 9),
  "39": plan("", 6, 11),
  "40": plan("0", 9),
  "41": plan("0", 9),
  "43": plan("0", 4, 13),
  "44": plan("0", 7, 10),
  "45": plan("", 8),
  "46": plan("0", 7, 10),
  "47": plan("", 8),
  "48": plan("", 9),
  "49": plan("0", 5, 13),
  "51": plan("0", 8, 9),
  "52": plan("", 10),
  "54": plan("0", 10, 11),
  "55": plan("0", 10, 11),
  "56": plan("", 9),
  "57": plan("", 10),
  "58": plan("0", 10),
  "60": plan("0", 8, 10),
  "61": plan("0", 9),
  "62": plan("0", 8, 12),
  "63": plan("0", 8, 10),
  "64": plan("0", 8, 10),
  "65": plan("", 8),
  "66": plan("0", 8, 9),
  "81": plan("0", 9, 10),
  "82": plan("0", 8, 10),
  "84": plan("0", 9, 10),
  "86": plan("0", 9, 11),
  "90": plan("0", 10),
  "91": plan("0", 10),
  "92": plan("0", 9, 10),
  "225": plan("", 10),
  "234": plan("0", 8, 10),
  "254": plan("0", 9),
  "351": plan("", 9),
  "352": plan("", 4, 11),
  "353": plan("0", 7, 9),
  "354": plan("", 7, 9),
  "356": plan("", 8),
  "357": plan("", 8),
  "358": plan("0", 5, 12),
  "359": plan("0", 8, 9),
  "370": plan("8", 8),
  "371": plan("", 8),
  "372": plan("", 7, 8),
  "375": plan("8", 9),
  "377": plan("", 8, 9),
  "378": plan("", 6, 10),
  "380": plan("0", 9),
  "381": plan("0", 8, 9),
  "385": plan("0", 8, 9),
  "386": plan("0", 8),
  "420": plan("", 9),
  "421": plan("0", 9),
  "852": plan("", 8),
  "853": plan("", 8),
  "886": plan("0", 8, 9),
  "965": plan("", 8),
  "966": plan("0", 9),
  "971": plan("0", 8, 9),
  "972": plan("0", 8, 9),
  "973": plan("", 8),
  "974": plan("", 8),
};

/** International call prefixes other than "00", by the caller's country (checked before "00"). */
export const INTERNATIONAL_PREFIXES: Readonly<Record<string, string>> = {
  US: "011",
  CA: "011",
  PR: "011",
  AU: "0011",
  JP: "010",
};
