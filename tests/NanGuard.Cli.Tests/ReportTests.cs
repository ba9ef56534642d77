using System.IO;
using System.Linq;
using System.Text.Json;
using NanGuard.Cli.Reporting;
using Xunit;

namespace NanGuard.Cli.Tests;

public sealed class ReportTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "proj");

    private static CheckReport Sample() => new(
        Root,
        new[]
        {
            new Finding(Path.Combine(Root, "src", "Train.cs"), 12, 5, FindingSeverity.Warning, "NG2001", "Optimizer step", "step() follows backward()", "https://example/NG2001.md"),
            new Finding(Path.Combine(Root, "Loss.cs"), 3, 20, FindingSeverity.Info, "NG1008", "Precision", "log(1 + x) loses precision", "https://example/NG1008.md"),
        },
        FilesChecked: 2,
        TorchSharpSource: "built-in",
        Rules: new[]
        {
            new RuleInfo("NG2001", "Optimizer step with no gradient clipping", "desc", "https://example/NG2001.md", FindingSeverity.Warning),
            new RuleInfo("NG1008", "Precision loss", "desc", "https://example/NG1008.md", FindingSeverity.Info),
        });

    [Fact]
    public void Text_lines_read_like_the_compiler()
    {
        var writer = new StringWriter();
        TextReport.Write(Sample(), writer);
        var lines = writer.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("Loss.cs(3,20): info NG1008: log(1 + x) loses precision", lines[0]);
        Assert.Equal("src/Train.cs(12,5): warning NG2001: step() follows backward()", lines[1]);
        Assert.Contains("0 errors, 1 warning, 1 info in 2 of 2 files (NG1008 x1, NG2001 x1)", writer.ToString());
    }

    [Fact]
    public void Empty_report_says_so()
    {
        var writer = new StringWriter();
        TextReport.Write(Sample() with { Findings = System.Array.Empty<Finding>() }, writer);
        Assert.Equal("nanguard: no findings in 2 files.", writer.ToString().Trim());
    }

    [Fact]
    public void Sarif_is_2_1_0_with_rules_and_relative_locations()
    {
        using var sarif = JsonDocument.Parse(SarifReport.ToText(Sample(), "0.1.0"));
        var root = sarif.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString());
        var run = root.GetProperty("runs")[0];
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("NanGuard", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(new[] { "NG1008", "NG2001" }, rules.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("https://example/NG2001.md", rules[1].GetProperty("helpUri").GetString());
        Assert.Equal("Optimizer step with no gradient clipping", rules[1].GetProperty("shortDescription").GetProperty("text").GetString());

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        var warning = results.Single(r => r.GetProperty("ruleId").GetString() == "NG2001");
        Assert.Equal("warning", warning.GetProperty("level").GetString());
        Assert.Equal(1, warning.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("step() follows backward()", warning.GetProperty("message").GetProperty("text").GetString());
        var location = warning.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("src/Train.cs", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("%SRCROOT%", location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        Assert.Equal(12, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(5, location.GetProperty("region").GetProperty("startColumn").GetInt32());
        Assert.Equal("note", results.Single(r => r.GetProperty("ruleId").GetString() == "NG1008").GetProperty("level").GetString());
        Assert.EndsWith("/proj/", run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString());
    }

    [Fact]
    public void Json_lists_findings_and_summary()
    {
        using var json = JsonDocument.Parse(JsonReport.ToText(Sample(), "0.1.0"));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("summary").GetProperty("warnings").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("infos").GetInt32());
        var first = root.GetProperty("findings")[0];
        Assert.Equal("Loss.cs", first.GetProperty("path").GetString());
        Assert.Equal("info", first.GetProperty("severity").GetString());
        Assert.Equal("NG1008", first.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(FindingSeverity.Info, ExitCodes.FindingsRemain)]
    [InlineData(FindingSeverity.Warning, ExitCodes.FindingsRemain)]
    [InlineData(FindingSeverity.Error, ExitCodes.Success)]
    [InlineData(FindingSeverity.Never, ExitCodes.Success)]
    public void Exit_code_follows_the_threshold(FindingSeverity failOn, int expected) =>
        Assert.Equal(expected, Threshold.ExitCode(Sample().Findings, failOn));
}
