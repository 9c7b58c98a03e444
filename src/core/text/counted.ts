// A count with its noun in the number it takes: "1 company", "3 companies", "0 reps".

export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
