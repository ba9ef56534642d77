using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NanGuard.Cli.Reporting;

/// <summary>The compiler's format, <c>file(line,col): severity id: message</c>, one per line, then a summary.</summary>
public static class TextReport
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>.</summary>
    public static void Write(CheckReport report, TextWriter writer)
    {
        foreach (var finding in report.Ordered)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.DisplayPath(finding.FilePath)}({finding.Line},{finding.Column}): {SeverityName(finding.Severity)} {finding.Id}: {finding.Message}"));
        }
        if (report.Findings.Count > 0)
            writer.WriteLine();
        writer.WriteLine(Summary(report));
    }

    /// <summary>
    /// The one-line summary: counts by severity, the rules that fired, how many of the files analysed have findings,
    /// and how many do not compile.
    /// </summary>
    public static string Summary(CheckReport report)
    {
        var files = Plural(report.FilesChecked, "file");
        var fixedText = report.FixedFiles > 0 ? $"; fixed {Plural(report.FixedFiles, "file")}" : "";
        var compileText = report.Compilation.Any ? "; " + report.Compilation.Headline : "";
        if (report.Findings.Count == 0)
            return $"nanguard: no findings in {files}{fixedText}{compileText}.";
        var byRule = string.Join(", ", report.Findings.GroupBy(f => f.Id).OrderBy(g => g.Key, System.StringComparer.Ordinal)
            .Select(g => $"{g.Key} x{g.Count()}"));
        return $"nanguard: {Plural(report.Count(FindingSeverity.Error), "error")}, {Plural(report.Count(FindingSeverity.Warning), "warning")}, "
            + $"{report.Count(FindingSeverity.Info)} info in {report.FilesWithFindings} of {files} ({byRule}){fixedText}{compileText}.";
    }

    /// <summary>
    /// The warning standard error gets when files do not compile: the headline, then the most common causes, one a
    /// line, each with its most common names and its first error. Empty when everything compiled.
    /// </summary>
    public static IReadOnlyList<string> CompileErrorLines(CheckReport report)
    {
        var compilation = report.Compilation;
        if (!compilation.Any)
            return System.Array.Empty<string>();
        var lines = new List<string> { $"warning: {compilation.Headline}. The most common causes:" };
        foreach (var cause in compilation.Causes.Take(CompileErrors.ShownCauses))
        {
            lines.Add("  " + CompileErrors.Describe(cause));
            var example = cause.Example;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"    first: {report.DisplayPath(example.FilePath)}({example.Line},{example.Column}): error {example.Id}: {example.Message}"));
        }
        var more = compilation.Causes.Count - CompileErrors.ShownCauses;
        if (more > 0)
            lines.Add($"  and {Plural(more, "more cause")} (--format json or sarif lists them all)");
        return lines;
    }

    /// <summary>The word the compiler prints for a severity.</summary>
    public static string SeverityName(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warning => "warning",
        _ => "info",
    };

    private static string Plural(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");
}
