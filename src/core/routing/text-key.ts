// The form free-text routing values are compared in: "Île-de-France", "ILE DE FRANCE" and
// "ile_de_france" are the same region; "HOSPITAL_HEALTH_CARE" (HubSpot's industry value), "Hospital &
// Health Care" (its label) and "hospital and health care" the same industry, so "&"/"and" are dropped.

export function textKey(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['’.]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "" && word !== "and")
    .join(" ");
}
