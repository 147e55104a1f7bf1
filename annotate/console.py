"""The command line's consoles and its one error path (every `annotate` command uses these).

A problem is one line `error: …` on stderr (secrets redacted), then the exit status:

    0    done
    1    some input was bad (one line each; the rest was processed), or a needed
         resource is missing or unusable (model, server, file)
    2    usage error: an unknown option, a bad value, a missing argument
    130  interrupted (143 on SIGTERM where the command says so)

Usage errors from click are turned into the same one line by `Group` (the class of every
Typer app here), so `annotate prelabel --nope` and `annotate push --nope` read alike.
"""
from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

EXIT_OK = 0
EXIT_FAILED = 1     # some input was bad (reported) or a needed resource is missing
EXIT_USAGE = 2      # the command line itself is wrong
EXIT_INTERRUPTED = 130


def _click_class(name: str) -> type:
    # typer ≥ 0.2x vendors click (typer._click); its classes are not click's: take them from typer's own
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)


UsageError, ClickException = _click_class("UsageError"), _click_class("ClickException")


def _redact(text: str) -> str:
    from annotate.labelstudio.errors import redact  # the secrets the Label Studio client registered

    return redact(text)


def err_console() -> Console:
    """stderr; built per use, since sys.stderr may be swapped (tests, redirection). Not a
    terminal: lines never wrapped (a path cut from its reason is no use to grep)."""
    tty = sys.stderr.isatty()
    return Console(stderr=True, highlight=False, soft_wrap=True, width=None if tty else 1000)


def out_console() -> Console:
    """stdout; not a terminal (a pipe, a file): tables as wide as their columns, not wrapped to 80."""
    tty = sys.stdout.isatty()
    return Console(highlight=False, soft_wrap=True, width=None if tty else 1000)


def note(prefix: str, message: str, style: str = "yellow", console: Console | None = None) -> None:
    """`prefix message` on stderr: only the prefix styled; the message (a path, a server's text)
    verbatim — never read as rich markup — and redacted."""
    (console or err_console()).print(Text.assemble((prefix, style), " ", _redact(str(message))))


def error(message: str, console: Console | None = None) -> None:
    """One `error: …` line on stderr; the command goes on (or exits with `fail`)."""
    note("error:", message, "red", console)


def fail(message: str, code: int = EXIT_FAILED) -> typer.Exit:
    """Print the error line; the caller raises what this returns: `raise fail(…) from None`."""
    error(message)
    return typer.Exit(code)


def usage(message: str) -> Exception:
    """A usage error found by the command itself (options that do not go together, nothing to do):
    `raise usage(…)` — one `error:` line, exit 2, like click's own."""
    return UsageError(message)


class Group(TyperGroup):
    """The top-level command group: click's usage errors (several lines: usage, hint, message)
    become one `error:` line naming the command's --help, exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except UsageError as e:
            where = e.ctx.command_path if e.ctx is not None else (prog_name or "annotate")
            error(f"{e.format_message().rstrip('.')}; see `{where} --help`")
            sys.exit(EXIT_USAGE)
        except ClickException as e:
            error(e.format_message())
            sys.exit(e.exit_code)
        except typer.Abort:
            error("aborted")
            sys.exit(EXIT_FAILED)
        # with standalone_mode=False typer returns the code of a typer.Exit, else the command's value
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)
