using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace NanGuard.Cli.Reporting;

/// <summary>
/// SARIF 2.1.0, as GitHub code scanning and other viewers read it: one run, <c>tool.driver</c> with every rule
/// (id, shortDescription, fullDescription, helpUri, default level), results with ruleId, ruleIndex, level, message and
/// a physical location whose uri is relative to <c>%SRCROOT%</c>, the folder that was checked; one invocation that
/// says whether the run completed (<c>executionSuccessful</c>, <c>exitCode</c>) and, as <c>toolExecutionNotifications</c>
/// of level <c>warning</c>, which files did not compile and why, since NanGuard's findings there may be missing.
/// </summary>
public static class SarifReport
{
    /// <summary>The schema every SARIF 2.1.0 log names.</summary>
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The base id artifact uris are relative to.</summary>
    public const string SourceRoot = "%SRCROOT%";

    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/>.</summary>
    public static void Write(CheckReport report, string toolVersion, Stream stream)
    {
        var rules = report.Rules.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        using var json = new Utf8JsonWriter(stream, JsonReport.WriterOptions);
        json.WriteStartObject();
        json.WriteString("$schema", Schema);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "NanGuard");
        json.WriteString("version", toolVersion);
        json.WriteString("semanticVersion", toolVersion);
        json.WriteString("informationUri", "https://github.com/nanguard/nanguard");
        json.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Id);
            WriteMessage(json, "shortDescription", rule.Title);
            WriteMessage(json, "fullDescription", rule.Description);
            if (rule.HelpUri is not null)
                json.WriteString("helpUri", rule.HelpUri);
            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", Level(rule.DefaultSeverity));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        WriteInvocation(json, report);

        json.WriteStartObject("originalUriBaseIds");
        json.WriteStartObject(SourceRoot);
        json.WriteString("uri", DirectoryUri(report.BaseDirectory));
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("results");
        foreach (var finding in report.Ordered)
            WriteResult(json, report, finding, rules.FindIndex(r => r.Id == finding.Id));
        json.WriteEndArray();

        json.WriteStartObject("properties");
        json.WriteString("torchSharp", report.TorchSharpSource);
        json.WriteNumber("filesAnalyzed", report.FilesChecked);
        json.WriteNumber("filesWithFindings", report.FilesWithFindings);
        json.WriteEndObject();

        json.WriteEndObject();
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

    /// <summary>SARIF's level for a severity: error, warning or note.</summary>
    public static string Level(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warning => "warning",
        _ => "note",
    };

    private static void WriteResult(Utf8JsonWriter json, CheckReport report, Finding finding, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Id);
        if (ruleIndex >= 0)
            json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(finding.Severity));
        WriteMessage(json, "message", finding.Message);
        WriteLocations(json, report, finding);
        json.WriteEndObject();
    }

    private static void WriteLocations(Utf8JsonWriter json, CheckReport report, Finding finding)
    {
        json.WriteStartArray("locations");
        json.WriteStartObject();
        WritePhysicalLocation(json, report, new FindingPlace(finding.FilePath, finding.Line, finding.Column));
        json.WriteEndObject();
        json.WriteEndArray();
        if (finding.Related.Count == 0)
            return;
        // SARIF 2.1.0 §3.27.22: where the value the finding is about came from, so code-scanning views show the path.
        json.WriteStartArray("relatedLocations");
        for (var i = 0; i < finding.Related.Count; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", i + 1);
            WritePhysicalLocation(json, report, finding.Related[i]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WritePhysicalLocation(Utf8JsonWriter json, CheckReport report, FindingPlace place)
    {
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        var relative = PathDisplay.Relative(report.BaseDirectory, place.FilePath);
        if (relative is not null)
        {
            json.WriteString("uri", Uri.EscapeDataString(relative).Replace("%2F", "/", StringComparison.Ordinal));
            json.WriteString("uriBaseId", SourceRoot);
        }
        else
        {
            json.WriteString("uri", new Uri(place.FilePath).AbsoluteUri);
        }
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", place.Line);
        json.WriteNumber("startColumn", place.Column);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // SARIF 2.1.0 §3.20: executionSuccessful is required. The tool ran to completion whenever it writes a report
    // (a load failure writes none), so it is true; what limits the analysis is said in warning notifications.
    private static void WriteInvocation(Utf8JsonWriter json, CheckReport report)
    {
        var compilation = report.Compilation;
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", true);
        if (report.ExitCode is { } exitCode)
            json.WriteNumber("exitCode", exitCode);
        json.WriteStartArray("toolExecutionNotifications");
        if (compilation.Any)
        {
            json.WriteStartObject();
            json.WriteString("level", "warning");
            WriteMessage(json, "message", compilation.Headline + ".");
            json.WriteStartObject("properties");
            json.WriteNumber("filesAnalyzed", compilation.FilesAnalyzed);
            json.WriteNumber("filesWithCompileErrors", compilation.Files);
            json.WriteNumber("compileErrors", compilation.Errors);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        foreach (var cause in compilation.Causes)
        {
            json.WriteStartObject();
            json.WriteString("level", "warning");
            WriteMessage(json, "message", CompileErrors.Describe(cause));
            if (Path.IsPathRooted(cause.Example.FilePath))
                WriteLocations(json, report, cause.Example);
            json.WriteStartObject("properties");
            json.WriteString("compilerDiagnosticId", cause.Id);
            json.WriteString("shape", cause.Shape);
            json.WriteNumber("files", cause.Files);
            json.WriteNumber("errors", cause.Errors);
            json.WriteStartArray("names");
            foreach (var name in cause.Names)
                json.WriteStringValue(name.Name);
            json.WriteEndArray();
            json.WriteString("firstMessage", cause.Example.Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("properties");
        json.WriteNumber("filesAnalyzed", compilation.FilesAnalyzed);
        json.WriteNumber("filesWithCompileErrors", compilation.Files);
        json.WriteNumber("compileErrors", compilation.Errors);
        json.WriteStartArray("excludedRules");
        foreach (var id in report.ExcludedRules ?? Array.Empty<string>())
            json.WriteStringValue(id);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteMessage(Utf8JsonWriter json, string name, string text)
    {
        json.WriteStartObject(name);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static string DirectoryUri(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!full.EndsWith(Path.DirectorySeparatorChar))
            full += Path.DirectorySeparatorChar;
        return new Uri(full).AbsoluteUri;
    }
}
