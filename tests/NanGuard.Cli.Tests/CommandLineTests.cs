using Xunit;

namespace NanGuard.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Defaults_are_text_and_fail_on_warning()
    {
        var options = CommandLine.Parse(new[] { "check", "samples" }, "1.0").Options!;
        Assert.Equal("samples", options.Path);
        Assert.Equal(ReportFormat.Text, options.Format);
        Assert.Equal(FindingSeverity.Warning, options.FailOn);
        Assert.False(options.Fix);
        Assert.True(options.IncludesRule("NG1001"));
    }

    [Theory]
    [InlineData("sarif", ReportFormat.Sarif)]
    [InlineData("JSON", ReportFormat.Json)]
    [InlineData("text", ReportFormat.Text)]
    public void Format_is_parsed(string value, ReportFormat expected)
    {
        Assert.Equal(expected, CommandLine.Parse(new[] { "check", ".", "--format", value }, "1.0").Options!.Format);
        Assert.Equal(expected, CommandLine.Parse(new[] { "check", ".", "--format=" + value }, "1.0").Options!.Format);
    }

    [Fact]
    public void Fix_rules_output_and_threshold_are_parsed()
    {
        var options = CommandLine.Parse(new[] { "check", "a.sln", "--fix", "--rule", "ng1001,NG2001", "--rule", "NG1002", "-o", "out.sarif", "--fail-on", "error", "-q" }, "1.0").Options!;
        Assert.True(options.Fix);
        Assert.True(options.Quiet);
        Assert.Equal("out.sarif", options.OutputFile);
        Assert.Equal(FindingSeverity.Error, options.FailOn);
        Assert.True(options.IncludesRule("NG1001"));
        Assert.True(options.IncludesRule("NG2001"));
        Assert.True(options.IncludesRule("NG1002"));
        Assert.False(options.IncludesRule("NG1003"));
    }

    [Theory]
    [InlineData(new[] { "check" }, "missing <path>")]
    [InlineData(new[] { "lint", "x" }, "unknown command")]
    [InlineData(new[] { "check", "x", "--format", "xml" }, "unknown format")]
    [InlineData(new[] { "check", "x", "--fail-on", "fatal" }, "unknown severity")]
    [InlineData(new[] { "check", "x", "--rule", "CA1000" }, "not a NanGuard rule id")]
    [InlineData(new[] { "check", "x", "--bogus" }, "unknown option")]
    [InlineData(new[] { "check", "x", "y" }, "one path only")]
    [InlineData(new[] { "check", "x", "--format" }, "needs a value")]
    public void Bad_arguments_are_explained(string[] args, string expected)
    {
        var result = CommandLine.Parse(args, "1.0");
        Assert.Null(result.Options);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void Help_and_version_print()
    {
        Assert.Contains("Usage: nanguard check", CommandLine.Parse(new[] { "--help" }, "1.0").Output);
        Assert.Contains("Usage: nanguard check", CommandLine.Parse(System.Array.Empty<string>(), "1.0").Output);
        Assert.Equal("1.2.3", CommandLine.Parse(new[] { "--version" }, "1.2.3").Output);
    }

    [Theory]
    [InlineData("never", FindingSeverity.Never)]
    [InlineData("none", FindingSeverity.Never)]
    [InlineData("info", FindingSeverity.Info)]
    [InlineData("warning", FindingSeverity.Warning)]
    public void Thresholds_are_parsed(string text, FindingSeverity expected)
    {
        Assert.True(CommandLine.TryParseThreshold(text, out var severity));
        Assert.Equal(expected, severity);
    }
}
