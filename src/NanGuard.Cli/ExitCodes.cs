namespace NanGuard.Cli;

/// <summary>The exit codes of <c>nanguard</c>: 0 clean, 1 findings at or above the threshold remain, 2 and up: the run could not do its job (4: not all of it).</summary>
public static class ExitCodes
{
    /// <summary>No finding at or above the <c>--fail-on</c> severity.</summary>
    public const int Success = 0;
    /// <summary>At least one finding at or above the <c>--fail-on</c> severity remains.</summary>
    public const int FindingsRemain = 1;
    /// <summary>Usage: no command, an unknown command or option, a bad value; a missing path, a file that is not C#, a folder without .cs files.</summary>
    public const int UsageError = 2;
    /// <summary>A project or solution failed to load, or a fixed file could not be written or was read-only (without <c>--fix-read-only</c>).</summary>
    public const int LoadOrWriteError = 3;
    /// <summary>
    /// No finding at or above the <c>--fail-on</c> severity, but the compiler reported errors in the files analysed,
    /// so findings may be missing there: not a pass (<c>--allow-compile-errors</c> makes it 0).
    /// </summary>
    public const int CompileErrors = 4;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
