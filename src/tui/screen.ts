/**
 * The alternate screen, as full-screen terminal programs use it (less, lnav, GoAccess): the
 * TUI draws on its own screen and quitting gives the terminal back as it was, scrollback
 * included. Only on a terminal; restored on any exit, a crash included.
 */
const ENTER = '\u001b[?1049h';
const LEAVE = '\u001b[?1049l';

export function enterAlternateScreen(stdout: NodeJS.WriteStream): () => void {
  if (stdout.isTTY !== true) return () => {};
  stdout.write(ENTER);
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    process.off('exit', leave);
    stdout.write(LEAVE);
  };
  process.on('exit', leave);
  return leave;
}
