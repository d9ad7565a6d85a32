import { UsageError } from "./errors";

/**
 * A password from the environment variable `env`, or else asked on the terminal without echoing it. Never from the
 * command line: arguments are visible to every user of the machine (ps) and stay in the shell's history.
 */
export async function readPassword(options: { env: string; prompt: string; confirm?: boolean }): Promise<string> {
  const fromEnv = process.env[options.env];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError(`set ${options.env}: there is no terminal to ask for the password`);
  const password = await ask(options.prompt);
  if (password.length === 0) throw new UsageError("the password is empty");
  if (options.confirm && (await ask("again: ")) !== password) throw new UsageError("the two passwords differ");
  return password;
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function ask(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = "";
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003") return finish(new UsageError("interrupted"));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}
