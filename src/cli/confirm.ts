// Asks a yes/no question on the terminal, for commands that change something a person must agree to.
import { createInterface } from "node:readline";

export async function confirm(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  question: string,
): Promise<boolean> {
  const lines = createInterface({ input, terminal: false });
  output.write(question);
  try {
    // Input that ends before a line (Ctrl-D) is a no, not a wait for ever.
    const answer = await new Promise<string>((resolve) => {
      lines.once("line", resolve);
      lines.once("close", () => resolve(""));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    lines.close();
  }
}
