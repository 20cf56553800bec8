"""The command line: a thin layer that parses options, calls one library function and picks the exit code.

Commands live one per module in `ena_grunddata/commands/`; `COMMANDS` lists them. Every failure the user can cause
becomes one `error:` line and exit code 2 (input) or 3 (remote); anything else is an internal error (70) whose
traceback is shown only with --debug.
"""

from __future__ import annotations

import gc
import importlib
import sys
import traceback

import click

from .. import __version__
from ..errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, EnaError, terminal_text

# module name in ena_grunddata.commands -> the click command object in it is called `command`
COMMANDS = ("validate", "score", "domains", "describe", "init", "schema", "harvest", "export", "serve", "publish")

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


class EnaGroup(click.Group):
    """Maps our exceptions to the exit-code contract, for the real CLI and for click's test runner alike."""

    def invoke(self, ctx):
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except EnaError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo("error: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except click.exceptions.ClickException as error:
            if not isinstance(error, click.UsageError):
                error.exit_code = EXIT_USAGE
            raise
        except (click.exceptions.Exit, SystemExit):
            raise
        except BrokenPipeError:
            ctx.exit(0)
        except Exception as error:  # an internal error: one line unless --debug
            if isinstance(error, ValueError) and "embedded null byte" in str(error):
                # a path given on the command line or in a config with a NUL in it: no file can have that name
                click.echo("error: a file or folder name contains a NUL character", err=True)
                ctx.exit(EXIT_USAGE)
            if debug:
                traceback.print_exc()
            first_line = (str(error).strip().splitlines() or [""])[0][:300]
            click.echo(f"internal error: {type(error).__name__}: {terminal_text(first_line)} (rerun with --debug "
                       "for details)", err=True)
            ctx.exit(EXIT_INTERNAL)

    def list_commands(self, ctx):
        return [name for name in COMMANDS if self.get_command(ctx, name) is not None]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        try:
            module = importlib.import_module(f"ena_grunddata.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"ena_grunddata.commands.{name}":
                return None  # not part of this build yet
            raise
        return module.command


@click.group(cls=EnaGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="ena-grunddata")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def cli(ctx, debug):
    """Describe, validate, harvest and publish DCAT-AP-SE metadata for Swedish national base data.

    Exit codes: 0 success, 1 findings at or above --fail-on, 2 usage or input error, 3 remote failure,
    70 internal error, 130 interrupted.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# The command line makes millions of small objects at national scale (findings, terms, page entries) and few
# reference cycles, so the collector's walks over them are mostly wasted: Python's default (a young-generation
# collection every 700 allocations) spent about a fifth of `validate --format html` at 25,000 datasets. Measured
# there, time in the collector: 0.67-0.90 s with a young generation of 50,000 objects, 0.29-0.33 s with 200,000,
# 0.09-0.11 s with 400,000 (SARIF 0.25 -> 0.11 s); the peak stays 0.77-0.85 GB. The price is memory where cycles
# are made: the pyshacl engine on 1,000 datasets peaks at 314 MB instead of 256 MB.
COLLECTOR_THRESHOLDS = (400_000, 20, 10)


def usage_line(error: click.exceptions.ClickException, argv) -> str:
    """click's usage error as one line, like every other error (click itself prints a usage block, a hint and the
    error on three lines), naming the help to read: the command's, when the command line names one."""
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else "ena-grunddata"
    if command == "ena-grunddata":  # an option of a command that click had not yet entered (`export x --to`)
        named = next((arg for arg in argv if not arg.startswith("-")), None)
        if named in COMMANDS:
            command = f"ena-grunddata {named}"
    hint = f" (see '{command} --help')" if isinstance(error, click.exceptions.UsageError) else ""
    return f"error: {terminal_text(error.format_message())}{hint}"


def main(argv=None):
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        code = cli.main(args=argv, prog_name="ena-grunddata", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.exceptions.ClickException as error:
        click.echo(usage_line(error, sys.argv[1:] if argv is None else [str(arg) for arg in argv]), err=True)
        code = EXIT_USAGE
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("error: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except EnaError as error:
        click.echo(f"error: {error}", err=True)
        code = error.exit_code
    except Exception as error:
        first_line = (str(error).strip().splitlines() or [""])[0][:300]
        click.echo(f"internal error: {type(error).__name__}: {terminal_text(first_line)} (rerun with --debug for "
                   "details)", err=True)
        code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else 0)


def entry() -> None:
    """The installed command and `python -m ena_grunddata`: `main`, then the process ends at once (process.leave),
    without freeing what the command loaded."""
    from ..process import ends_after_command, leave

    ends_after_command()
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    leave(0 if code is None else code if isinstance(code, int) else EXIT_INTERNAL)  # as Python's own exit
