using System;
using System.Collections.Generic;
using System.Linq;

namespace NanGuard.Cli.Reporting;

/// <summary>One diagnostic, as the reports show it. Line and column are 1-based, as compilers print them.</summary>
public sealed record Finding(string FilePath, int Line, int Column, FindingSeverity Severity, string Id, string Title, string Message, string? HelpUri)
{
    /// <summary>
    /// The other places the finding involves, in the analyzer's order: where the value it is about came from (the
    /// member that returns the softmax a log reads), the step a clip belongs to. SARIF writes them as relatedLocations.
    /// </summary>
    public IReadOnlyList<FindingPlace> Related { get; init; } = Array.Empty<FindingPlace>();
}

/// <summary>A place in a source file, 1-based as compilers print it.</summary>
public sealed record FindingPlace(string FilePath, int Line, int Column);

/// <summary>Everything a report shows: the findings, what was checked, and which TorchSharp the analysis saw.</summary>
public sealed record CheckReport(
    string BaseDirectory,
    IReadOnlyList<Finding> Findings,
    int FilesChecked,
    string TorchSharpSource,
    IReadOnlyList<RuleInfo> Rules,
    int FixedFiles = 0,
    string? DisplayDirectory = null,
    CompileErrors? CompileErrors = null,
    IReadOnlyList<string>? ExcludedRules = null,
    int? ExitCode = null)
{
    /// <summary>The compiler's errors in the files checked; none where the run did not look (reports built in tests).</summary>
    public CompileErrors Compilation => CompileErrors ?? Reporting.CompileErrors.None(FilesChecked);

    /// <summary>How many of the files checked have at least one finding.</summary>
    public int FilesWithFindings => Findings.Select(f => f.FilePath).Distinct(StringComparer.Ordinal).Count();


    /// <summary>Findings sorted by file, position and id: the order every format uses.</summary>
    public IEnumerable<Finding> Ordered => Findings
        .OrderBy(f => f.FilePath, StringComparer.Ordinal)
        .ThenBy(f => f.Line).ThenBy(f => f.Column)
        .ThenBy(f => f.Id, StringComparer.Ordinal);

    /// <summary>How many findings have <paramref name="severity"/>.</summary>
    public int Count(FindingSeverity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>
    /// The path text and JSON print: relative to <see cref="DisplayDirectory"/> (the current directory, so that
    /// terminals and editors open it) or else <see cref="BaseDirectory"/> when it is under it; absolute otherwise.
    /// </summary>
    public string DisplayPath(string path) => PathDisplay.Relative(DisplayDirectory ?? BaseDirectory, path) ?? path;

    /// <summary>
    /// The path JSON and SARIF give: relative to <see cref="BaseDirectory"/> (the folder checked, or the folder of the
    /// project or solution), whatever the current directory; absolute where it lies outside it.
    /// </summary>
    public string ReportPath(string path) => PathDisplay.Relative(BaseDirectory, path) ?? path;
}

/// <summary>A rule as reports describe it.</summary>
public sealed record RuleInfo(string Id, string Title, string Description, string? HelpUri, FindingSeverity DefaultSeverity);

/// <summary>Relative paths with forward slashes, as SARIF and CI logs want them.</summary>
public static class PathDisplay
{
    /// <summary><paramref name="path"/> relative to <paramref name="baseDirectory"/>, or null when it lies outside it.</summary>
    public static string? Relative(string baseDirectory, string path)
    {
        // A name with no folder (a document the tool generated) has nothing to be relative to: it is shown as it is.
        if (!System.IO.Path.IsPathRooted(path))
            return path;
        var relative = System.IO.Path.GetRelativePath(baseDirectory, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative))
            return null;
        return relative.Replace('\\', '/');
    }
}

/// <summary>Whether a run passes: decides the exit code from the findings that remain.</summary>
public static class Threshold
{
    /// <summary><see cref="ExitCodes.FindingsRemain"/> when a finding at or above <paramref name="failOn"/> remains.</summary>
    public static int ExitCode(IEnumerable<Finding> remaining, FindingSeverity failOn) =>
        remaining.Any(f => f.Severity >= failOn) ? ExitCodes.FindingsRemain : ExitCodes.Success;

    /// <summary>
    /// As <see cref="ExitCode(IEnumerable{Finding}, FindingSeverity)"/>, and where that passes but the compiler
    /// reported errors in the files analysed, <see cref="ExitCodes.CompileErrors"/>: a pass the tool could not check
    /// is not a pass, unless <paramref name="allowCompileErrors"/> accepts it.
    /// </summary>
    public static int ExitCode(IEnumerable<Finding> remaining, FindingSeverity failOn, CompileErrors compilation, bool allowCompileErrors)
    {
        var code = ExitCode(remaining, failOn);
        return code == ExitCodes.Success && compilation.Any && !allowCompileErrors ? ExitCodes.CompileErrors : code;
    }
}
