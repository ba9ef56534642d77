using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace NanGuard.Cli.Tests;

/// <summary>The command line as a user types it: what it binds, what it prints, and its exit codes. Nothing is checked.</summary>
public sealed class CommandLineTests
{
    private static readonly string[] Options = { "--format", "--output", "-o", "--fail-on", "--fix", "--fix-read-only", "--rule", "--exclude", "--allow-compile-errors", "--quiet", "-q", "--help" };

    // What the check action was handed; null while it has not run.
    private CheckOptions? bound;

    private NanGuardCommandLine CommandLine() => new("1.2.3", (options, _) =>
    {
        bound = options;
        return Task.FromResult(42);
    });

    private CheckOptions Bind(params string[] args)
    {
        var commandLine = CommandLine();
        var parsed = commandLine.Parse(args);
        Assert.Empty(parsed.Errors);
        return commandLine.Bind(parsed);
    }

    private async Task<(int Code, string Output, string Errors)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await CommandLine().InvokeAsync(args, output, errors, CancellationToken.None);
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public void Defaults_are_text_and_fail_on_warning()
    {
        var options = Bind("check", "samples");
        Assert.Equal("samples", options.Path);
        Assert.Equal(ReportFormat.Text, options.Format);
        Assert.Equal(FindingSeverity.Warning, options.FailOn);
        Assert.Null(options.OutputFile);
        Assert.False(options.Fix);
        Assert.False(options.FixReadOnly);
        Assert.False(options.Quiet);
        Assert.True(options.IncludesRule("NG1001"));
    }

    [Theory]
    [InlineData("sarif", ReportFormat.Sarif)]
    [InlineData("JSON", ReportFormat.Json)]
    [InlineData("text", ReportFormat.Text)]
    public void Format_is_parsed(string value, ReportFormat expected)
    {
        Assert.Equal(expected, Bind("check", ".", "--format", value).Format);
        Assert.Equal(expected, Bind("check", ".", "--format=" + value).Format);
        Assert.Equal(expected, Bind("check", ".", "--format:" + value).Format);
    }

    [Fact]
    public void Fix_rules_output_and_threshold_are_parsed()
    {
        var options = Bind("check", "a.sln", "--fix", "--fix-read-only", "--rule", "ng1001,NG2001", "--rule", "NG1002", "-o", "out.sarif", "--fail-on", "error", "-q");
        Assert.Equal("a.sln", options.Path);
        Assert.True(options.Fix);
        Assert.True(options.FixReadOnly);
        Assert.True(options.Quiet);
        Assert.Equal("out.sarif", options.OutputFile);
        Assert.Equal(FindingSeverity.Error, options.FailOn);
        Assert.True(options.IncludesRule("NG1001"));
        Assert.True(options.IncludesRule("NG2001"));
        Assert.True(options.IncludesRule("NG1002"));
        Assert.False(options.IncludesRule("NG1003"));
    }

    [Fact]
    public void Exclude_is_repeatable_comma_separated_and_case_insensitive()
    {
        var options = Bind("check", ".", "--exclude", "ng3003,NG1001", "--exclude", "NG2001");
        Assert.Equal(new[] { "NG1001", "NG2001", "NG3003" }, options.ExcludedRules.Order());
        Assert.False(options.IncludesRule("NG3003"));
        Assert.False(options.IncludesRule("NG1001"));
        Assert.True(options.IncludesRule("NG1002"));
        Assert.False(options.AllowCompileErrors);
        Assert.True(Bind("check", ".", "--allow-compile-errors").AllowCompileErrors);

        // With --rule, an excluded rule is left out all the same.
        options = Bind("check", ".", "--rule", "NG1001,NG1002", "--exclude", "NG1002");
        Assert.True(options.IncludesRule("NG1001"));
        Assert.False(options.IncludesRule("NG1002"));
        Assert.False(options.IncludesRule("NG3003"));
    }

    [Fact]
    public void The_rule_ids_the_command_line_accepts_are_the_analyzers_rules()
    {
        var analyzed = new NanGuardEngine().Rules.Select(r => r.Id).Order();
        Assert.Equal(analyzed, RuleCatalog.Ids.Order(StringComparer.Ordinal));
        Assert.Equal("NG1001-NG1003, NG2001, NG3004", RuleCatalog.Describe(new[] { "NG1002", "ng1001", "NG1003", "NG2001", "NG3004" }));
    }

    [Fact]
    public void Completions_offer_the_rule_ids()
    {
        var offered = CommandLine().Root.Parse("check . --exclude ").GetCompletions().Select(c => c.Label).ToList();
        Assert.Contains("NG3003", offered);
        Assert.Equal(RuleCatalog.Ids.Count, offered.Count);
    }

    [Fact]
    public void Options_may_come_before_the_path()
    {
        var options = Bind("check", "--rule", "NG1001", "--format", "json", "src");
        Assert.Equal("src", options.Path);
        Assert.Equal(ReportFormat.Json, options.Format);
        Assert.False(options.IncludesRule("NG1002"));
    }

    [Theory]
    [InlineData(new[] { "check" }, "Required argument missing for command: 'check'")]
    [InlineData(new[] { "lint", "x" }, "Unrecognized command or argument 'lint'")]
    [InlineData(new[] { "check", "x", "--format", "xml" }, "unknown format 'xml' for --format; use text, json or sarif")]
    [InlineData(new[] { "check", "x", "--fail-on", "fatal" }, "unknown severity 'fatal' for --fail-on; use error, warning, info or never")]
    [InlineData(new[] { "check", "x", "--rule", "CA1000" }, "'CA1000' is not a NanGuard rule id (NGxxxx) for --rule")]
    [InlineData(new[] { "check", "x", "--rule", "NG9999" }, "'NG9999' is not a NanGuard rule for --rule; the rules are NG1001-NG1022, NG2001-NG2006, NG3001-NG3004")]
    [InlineData(new[] { "check", "x", "--exclude", "NG3003,NG3005" }, "'NG3005' is not a NanGuard rule for --exclude; the rules are NG1001-NG1022, NG2001-NG2006, NG3001-NG3004")]
    [InlineData(new[] { "check", "x", "--exclude", "CS0246" }, "'CS0246' is not a NanGuard rule id (NGxxxx) for --exclude")]
    [InlineData(new[] { "check", "x", "--exclude" }, "Required argument missing for option: '--exclude'")]
    [InlineData(new[] { "check", "x", "--bogus" }, "Unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "check", "x", "y" }, "Unrecognized command or argument 'y'")]
    [InlineData(new[] { "check", "x", "--format" }, "Required argument missing for option: '--format'")]
    [InlineData(new[] { "check", "x", "--fix-read-only" }, "--fix-read-only applies only with --fix")]
    [InlineData(new string[0], "Required command was not provided")]
    public async Task Bad_arguments_exit_with_2_and_the_reason_and_usage_on_standard_error(string[] args, string expected)
    {
        var (code, output, errors) = await InvokeAsync(args);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains(expected, errors);
        Assert.Contains("Usage:", errors);
        Assert.Equal("", output);
        Assert.Null(bound);
    }

    [Fact]
    public async Task A_misspelt_command_gets_a_suggestion()
    {
        var (code, _, errors) = await InvokeAsync("chek", "samples");
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("'chek' was not matched. Did you mean one of the following?", errors);
        Assert.Contains("check", errors);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public async Task Help_lists_the_command_and_every_option(string help)
    {
        var (code, output, _) = await InvokeAsync(help);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Usage:", output);
        Assert.Contains("check <path>", output);
        Assert.Contains("--version", output);

        (code, output, _) = await InvokeAsync("check", help);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("check <path> [options]", output);
        Assert.All(Options, option => Assert.Matches($@"(^|\s){System.Text.RegularExpressions.Regex.Escape(option)}[\s,]", output));
        Assert.Contains("<text|json|sarif>", output);
        Assert.Contains("<error|warning|info|never>", output);
        Assert.Contains("Exit codes: 0 clean, 1 findings remain, 2 bad arguments or path, 3 load or write failure (a read-only file included), 4 no finding but files that do not compile.", output);
    }

    [Fact]
    public async Task Version_prints_the_tools_version()
    {
        var (code, output, errors) = await InvokeAsync("--version");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("1.2.3", output.Trim());
        Assert.Equal("", errors);

        (code, output, errors) = await InvokeAsync("--version", "check", "src");
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("--version cannot be combined with other arguments", errors);
        Assert.Null(bound);
    }

    [Fact]
    public async Task The_check_action_runs_with_its_exit_code()
    {
        var (code, output, errors) = await InvokeAsync("check", "src", "--fail-on", "never");
        Assert.Equal(42, code);
        Assert.Equal("src", bound?.Path);
        Assert.Equal(FindingSeverity.Never, bound?.FailOn);
        Assert.Equal("", output + errors);
    }

    [Fact]
    public async Task A_response_file_supplies_arguments()
    {
        using var folder = new TempFolder();
        var rsp = folder.File("args.rsp");
        File.WriteAllLines(rsp, new[] { "# nanguard's arguments", "check", "src", "--rule NG1001", "--format", "sarif", "-q" });
        var (code, _, errors) = await InvokeAsync("@" + rsp, "--fail-on", "error");
        Assert.True(code == 42, errors);
        Assert.Equal("src", bound?.Path);
        Assert.Equal(ReportFormat.Sarif, bound?.Format);
        Assert.Equal(FindingSeverity.Error, bound?.FailOn);
        Assert.True(bound?.Quiet);
        Assert.False(bound?.IncludesRule("NG1002"));
    }

    [Fact]
    public async Task A_missing_response_file_is_a_usage_error()
    {
        var (code, _, errors) = await InvokeAsync("@/no/such/args.rsp");
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("/no/such/args.rsp", errors);
    }

    [Fact]
    public void Completions_offer_the_values_of_format_and_fail_on()
    {
        // What `dotnet-suggest` asks for: the line typed so far, completed at its end.
        Assert.Equal(new[] { "json", "sarif", "text" }, CommandLine().Root.Parse("check . --format ").GetCompletions().Select(c => c.Label).Order());
        Assert.Contains("never", CommandLine().Root.Parse("check . --fail-on ").GetCompletions().Select(c => c.Label));
        Assert.Contains("--fix-read-only", CommandLine().Root.Parse("check . --fix-").GetCompletions().Select(c => c.Label));
        Assert.Contains("check", CommandLine().Root.Parse("").GetCompletions().Select(c => c.Label));
    }

    [Theory]
    [InlineData("never", FindingSeverity.Never)]
    [InlineData("none", FindingSeverity.Never)]
    [InlineData("info", FindingSeverity.Info)]
    [InlineData("suggestion", FindingSeverity.Info)]
    [InlineData("warning", FindingSeverity.Warning)]
    [InlineData("Error", FindingSeverity.Error)]
    public void Thresholds_are_parsed(string text, FindingSeverity expected)
    {
        Assert.Equal(expected, Bind("check", ".", "--fail-on", text).FailOn);
    }
}
