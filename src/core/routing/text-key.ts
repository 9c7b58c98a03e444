// The form free-text routing values are compared in: "Île-de-France", "ILE DE FRANCE" and
// "ile_de_france" are the same region, "COMPUTER_SOFTWARE" and "Computer software" the same industry.

export function textKey(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’.]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
