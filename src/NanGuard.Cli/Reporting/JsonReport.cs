using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NanGuard.Cli.Reporting;

/// <summary>
/// A JSON report: <c>{ tool, version, torchSharp, root, summary, compileErrors, excludedRules, findings[] }</c>, paths
/// relative to <c>root</c> (the folder checked), written as they are (<c>+</c>, <c>'</c>, <c>&lt;</c> and non-ASCII
/// letters unescaped).
/// </summary>
public static class JsonReport
{
    /// <summary>
    /// The writer options of the JSON and SARIF reports: indented; only what JSON itself requires is escaped (quotes,
    /// backslashes, control characters), since the reports are files, never embedded in HTML.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/>.</summary>
    public static void Write(CheckReport report, string toolVersion, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, WriterOptions);
        json.WriteStartObject();
        json.WriteString("tool", "nanguard");
        json.WriteString("version", toolVersion);
        json.WriteString("torchSharp", report.TorchSharpSource);
        json.WriteString("root", report.BaseDirectory);
        json.WriteStartObject("summary");
        json.WriteNumber("files", report.FilesChecked);
        json.WriteNumber("filesWithFindings", report.FilesWithFindings);
        json.WriteNumber("filesWithCompileErrors", report.Compilation.Files);
        json.WriteNumber("errors", report.Count(FindingSeverity.Error));
        json.WriteNumber("warnings", report.Count(FindingSeverity.Warning));
        json.WriteNumber("infos", report.Count(FindingSeverity.Info));
        json.WriteNumber("fixedFiles", report.FixedFiles);
        json.WriteEndObject();
        WriteCompileErrors(json, report);
        if (report.ExcludedRules is { Count: > 0 } excluded)
        {
            json.WriteStartArray("excludedRules");
            foreach (var id in excluded)
                json.WriteStringValue(id);
            json.WriteEndArray();
        }
        json.WriteStartArray("findings");
        foreach (var finding in report.Ordered)
        {
            json.WriteStartObject();
            json.WriteString("path", report.ReportPath(finding.FilePath));
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

    // { files, errors, message, causes: [ { id, shape, files, errors, names: [ { name, count } ], first: { path, line, column, message } } ] }
    private static void WriteCompileErrors(Utf8JsonWriter json, CheckReport report)
    {
        var compilation = report.Compilation;
        json.WriteStartObject("compileErrors");
        json.WriteNumber("files", compilation.Files);
        json.WriteNumber("errors", compilation.Errors);
        if (compilation.Any)
            json.WriteString("message", compilation.Headline);
        json.WriteStartArray("causes");
        foreach (var cause in compilation.Causes)
        {
            json.WriteStartObject();
            json.WriteString("id", cause.Id);
            json.WriteString("shape", cause.Shape);
            json.WriteNumber("files", cause.Files);
            json.WriteNumber("errors", cause.Errors);
            json.WriteStartArray("names");
            foreach (var name in cause.Names)
            {
                json.WriteStartObject();
                json.WriteString("name", name.Name);
                json.WriteNumber("count", name.Count);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("first");
            json.WriteString("path", report.ReportPath(cause.Example.FilePath));
            json.WriteNumber("line", cause.Example.Line);
            json.WriteNumber("column", cause.Example.Column);
            json.WriteString("message", cause.Example.Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
