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

    [Fact]
    public void Sarif_and_json_write_plus_signs_and_quotes_as_they_are()
    {
        var sarif = SarifReport.ToText(Sample(), "0.1.0");
        var json = JsonReport.ToText(Sample(), "0.1.0");
        Assert.Contains("log(1 + x) loses precision", sarif);
        Assert.Contains("log(1 + x) loses precision", json);
        Assert.DoesNotContain("\\u002B", sarif + json);
        Assert.DoesNotContain("\\u0027", sarif + json);
    }

    [Fact]
    public void A_compiler_message_is_split_into_its_shape_and_arguments()
    {
        var (shape, arguments) = CompileErrors.Parse(
            "'{0}' does not contain a definition for '{1}' and no accessible extension method '{1}' accepting a first argument of type '{0}' could be found",
            "'Tensor' does not contain a definition for 'Backward' and no accessible extension method 'Backward' accepting a first argument of type 'Tensor' could be found");
        Assert.Equal("'…' does not contain a definition for '…' and no accessible extension method '…' accepting a first argument of type '…' could be found", shape);
        Assert.Equal("Tensor", arguments[0]);
        Assert.Equal("Backward", arguments[1]);

        // A message that does not follow its format (another language, say) is its own shape, with no argument.
        (shape, arguments) = CompileErrors.Parse("The name '{0}' does not exist in the current context", "Der Name 'x' ist nicht vorhanden");
        Assert.Equal("Der Name 'x' ist nicht vorhanden", shape);
        Assert.Empty(arguments);
    }

    [Fact]
    public void Compile_errors_make_a_passing_run_exit_with_4_unless_allowed()
    {
        var errors = new CompileErrors(3, 1, 2, System.Array.Empty<CompileErrorCause>());
        var none = System.Array.Empty<Finding>();
        Assert.Equal(ExitCodes.CompileErrors, Threshold.ExitCode(none, FindingSeverity.Warning, errors, allowCompileErrors: false));
        Assert.Equal(ExitCodes.Success, Threshold.ExitCode(none, FindingSeverity.Warning, errors, allowCompileErrors: true));
        Assert.Equal(ExitCodes.Success, Threshold.ExitCode(none, FindingSeverity.Warning, CompileErrors.None(3), allowCompileErrors: false));
        Assert.Equal(ExitCodes.FindingsRemain, Threshold.ExitCode(Sample().Findings, FindingSeverity.Warning, errors, allowCompileErrors: false));
    }
}
