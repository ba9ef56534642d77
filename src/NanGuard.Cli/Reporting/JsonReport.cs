using System.IO;
using System.Text;
using System.Text.Json;

namespace NanGuard.Cli.Reporting;

/// <summary>A JSON report: <c>{ tool, version, torchSharp, summary, findings[] }</c>, paths relative to the base folder.</summary>
public static class JsonReport
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/>.</summary>
    public static void Write(CheckReport report, string toolVersion, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "nanguard");
        json.WriteString("version", toolVersion);
        json.WriteString("torchSharp", report.TorchSharpSource);
        json.WriteStartObject("summary");
        json.WriteNumber("files", report.FilesChecked);
        json.WriteNumber("errors", report.Count(FindingSeverity.Error));
        json.WriteNumber("warnings", report.Count(FindingSeverity.Warning));
        json.WriteNumber("infos", report.Count(FindingSeverity.Info));
        json.WriteNumber("fixedFiles", report.FixedFiles);
        json.WriteEndObject();
        json.WriteStartArray("findings");
        foreach (var finding in report.Ordered)
        {
            json.WriteStartObject();
            json.WriteString("path", report.DisplayPath(finding.FilePath));
            json.WriteNumber("line", finding.Line);
            json.WriteNumber("column", finding.Column);
            json.WriteString("severity", TextReport.SeverityName(finding.Severity));
            json.WriteString("id", finding.Id);
            json.WriteString("message", finding.Message);
            if (finding.HelpUri is not null)
                json.WriteString("helpUri", finding.HelpUri);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The report as a string (tests).</summary>
    public static string ToText(CheckReport report, string toolVersion)
    {
        using var stream = new MemoryStream();
        Write(report, toolVersion, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
