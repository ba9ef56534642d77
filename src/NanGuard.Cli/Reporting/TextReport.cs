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

    /// <summary>The one-line summary: counts by severity, the rules that fired, the files checked.</summary>
    public static string Summary(CheckReport report)
    {
        var files = Plural(report.FilesChecked, "file");
        var fixedText = report.FixedFiles > 0 ? $"; fixed {Plural(report.FixedFiles, "file")}" : "";
        if (report.Findings.Count == 0)
            return $"nanguard: no findings in {files}{fixedText}.";
        var byRule = string.Join(", ", report.Findings.GroupBy(f => f.Id).OrderBy(g => g.Key, System.StringComparer.Ordinal)
            .Select(g => $"{g.Key} x{g.Count()}"));
        return $"nanguard: {Plural(report.Count(FindingSeverity.Error), "error")}, {Plural(report.Count(FindingSeverity.Warning), "warning")}, "
            + $"{report.Count(FindingSeverity.Info)} info in {files} ({byRule}){fixedText}.";
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
