import * as fs from "node:fs";

export interface CodeBlock {
  /** The fence's language: "sh", "ts", "json", … */
  lang: string;
  code: string;
  /** The `## ` heading the block sits under. */
  section: string;
}

/** The fenced code blocks of a markdown file, each with its language and section. */
export function codeBlocks(file: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let section = "";
  let open: CodeBlock | undefined;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (open) {
      if (line.startsWith("```")) {
        blocks.push(open);
        open = undefined;
      } else {
        open.code += `${line}\n`;
      }
    } else if (line.startsWith("```")) {
      open = { lang: line.slice(3).trim(), code: "", section };
    } else if (line.startsWith("## ")) {
      section = line.slice(3).trim();
    }
  }
  return blocks;
}

/** The lines of a doc's shell blocks, as commands (comments after `#` removed). */
export function shellCommands(file: string): string[] {
  return codeBlocks(file)
    .filter((block) => block.lang === "sh" || block.lang === "bash")
    .flatMap((block) => block.code.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line && !line.startsWith("#"));
}

/** The cells of each table row under a `## ` heading whose first cell is a `code` name, trimmed. */
export function tableRows(file: string, heading: string): string[][] {
  const rows: string[][] = [];
  let section = "";
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("## ")) section = line.slice(3).trim();
    const cells = line.split("|").map((cell) => cell.trim());
    if (section === heading && line.startsWith("|") && /^`[^`]+`$/.test(cells[1] ?? "")) rows.push(cells.slice(1, -1));
  }
  return rows;
}

/** The first cell of each row of the markdown tables under a `## ` heading, without backticks. */
export function tableKeys(file: string, heading: string): string[] {
  return tableRows(file, heading).map(([name]) => (name ?? "").slice(1, -1));
}
