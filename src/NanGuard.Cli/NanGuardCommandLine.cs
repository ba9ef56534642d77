using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NanGuard.Cli;

/// <summary>
/// <c>nanguard</c>'s command line on System.CommandLine: the <c>check</c> command, its options, generated help,
/// <c>--version</c>, response files (<c>@file.rsp</c>) and completions. No Roslyn here: it decides, the command acts.
/// </summary>
public sealed class NanGuardCommandLine
{
    private static readonly string[] Formats = { "text", "json", "sarif" };
    private static readonly string[] Thresholds = { "error", "warning", "info", "never" };

    private readonly Argument<string> path = new("path")
    {
        Description = "A folder of .cs files, a .cs file, a .csproj, or a .sln/.slnx (projects and solutions load through MSBuild: run `dotnet restore` first).",
    };

    private readonly Option<ReportFormat?> format = new("--format")
    {
        Description = "Report format (default: text).",
        HelpName = string.Join('|', Formats),
        CustomParser = result => ParseChoice<ReportFormat>(result, TryParseFormat, "format", Formats),
    };

    private readonly Option<string?> output = new("--output", "-o")
    {
        Description = "Write the report to this file instead of standard output (the summary still goes to the console).",
        HelpName = "file",
    };

    private readonly Option<FindingSeverity?> failOn = new("--fail-on", "--severity")
    {
        Description = "Exit with 1 when a finding at or above this severity remains (default: warning).",
        HelpName = string.Join('|', Thresholds),
        CustomParser = result => ParseChoice<FindingSeverity>(result, TryParseThreshold, "severity", Thresholds),
    };

    private readonly Option<bool> fix = new("--fix")
    {
        Description = "Apply NanGuard's code fixes and write the changed files; read-only files are left unchanged (exit code 3).",
    };

    private readonly Option<bool> fixReadOnly = new("--fix-read-only")
    {
        Description = "With --fix, write read-only files too (they stay read-only).",
    };

    private readonly Option<ImmutableHashSet<string>> rules = new("--rule", "--rules")
    {
        Description = "Only these rules, for the report and for --fix; repeatable.",
        HelpName = "id[,id...]",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<ImmutableHashSet<string>> exclude = new("--exclude")
    {
        Description = "Leave out these rules, for the report and for --fix; repeatable (the report lists them).",
        HelpName = "id[,id...]",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> allowCompileErrors = new("--allow-compile-errors")
    {
        Description = "Exit with 0 rather than 4 when files do not compile and no finding fails the run (they are still reported).",
    };

    private readonly Option<bool> quiet = new("--quiet", "-q")
    {
        Description = "No progress messages.",
    };

    /// <summary>The command line; <paramref name="check"/> runs <c>nanguard check</c> with the options it was given.</summary>
    /// <remarks><paramref name="knownRules"/> are the ids <c>--rule</c> and <c>--exclude</c> accept; by default NanGuard's catalog (<see cref="RuleCatalog"/>).</remarks>
    public NanGuardCommandLine(string version, Func<CheckOptions, CancellationToken, Task<int>> check, IReadOnlyCollection<string>? knownRules = null)
    {
        var known = (knownRules ?? RuleCatalog.Ids).ToImmutableSortedSet(StringComparer.OrdinalIgnoreCase);
        rules.CustomParser = result => ParseRules(result, known);
        exclude.CustomParser = result => ParseRules(result, known);
        rules.CompletionSources.Add(known.ToArray());
        exclude.CompletionSources.Add(known.ToArray());

        // The values as users type them, in place of the enums' member names.
        format.CompletionSources.Clear();
        format.CompletionSources.Add(Formats);
        failOn.CompletionSources.Clear();
        failOn.CompletionSources.Add(Thresholds);

        var checkCommand = new Command("check",
            "Check a folder, .cs file, project or solution for NaN-prone TorchSharp code; with --fix, apply NanGuard's fixes.\n"
            + "Exit codes: 0 clean, 1 findings remain, 2 bad arguments or path, 3 load or write failure (a read-only file included), "
            + "4 no finding but files that do not compile.")
        {
            path, format, output, failOn, fix, fixReadOnly, rules, exclude, allowCompileErrors, quiet,
        };
        checkCommand.Validators.Add(result =>
        {
            if (result.GetValue(fixReadOnly) && !result.GetValue(fix))
                result.AddError("--fix-read-only applies only with --fix");
        });
        checkCommand.SetAction((result, cancellationToken) => check(Bind(result), cancellationToken));

        Root = new RootCommand("nanguard: finds and fixes NaN-prone TorchSharp training code, with text, JSON and SARIF reports.")
        {
            checkCommand,
        };
        // The tool's own version, not the host's: under a test host the entry assembly is not nanguard.
        Root.Options.OfType<VersionOption>().Single().Action = new PrintVersion(version);
    }

    /// <summary>The root command: <c>check</c>, <c>--help</c>, <c>--version</c> and the completion directive.</summary>
    public RootCommand Root { get; }

    /// <summary>Parses <paramref name="args"/> (response files expanded).</summary>
    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args);

    /// <summary>Runs <paramref name="args"/>: help and version to <paramref name="output"/>; usage errors, with the usage, to <paramref name="errors"/> and exit code 2.</summary>
    public async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var parsed = Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = errors,
            // Exceptions and Ctrl+C are the tool's own business (Program.Main): files are never left half written.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (parsed.Action is ParseErrorAction)
        {
            // The usage is part of the error message: standard output stays for reports.
            configuration.Output = errors;
            await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The options <c>check</c> was given in <paramref name="result"/>.</summary>
    public CheckOptions Bind(ParseResult result) => new(
        result.GetRequiredValue(path),
        result.GetValue(format) ?? ReportFormat.Text,
        result.GetValue(output),
        result.GetValue(failOn) ?? FindingSeverity.Warning,
        result.GetValue(fix),
        result.GetValue(rules) ?? ImmutableHashSet<string>.Empty,
        result.GetValue(quiet),
        result.GetValue(fixReadOnly),
        result.GetValue(exclude) ?? ImmutableHashSet<string>.Empty,
        result.GetValue(allowCompileErrors));

    /// <summary>Parses a <c>--fail-on</c> value; <c>none</c> and <c>never</c> both mean never fail.</summary>
    public static bool TryParseThreshold(string text, out FindingSeverity severity)
    {
        severity = text.ToLowerInvariant() switch
        {
            "error" => FindingSeverity.Error,
            "warning" or "warn" => FindingSeverity.Warning,
            "info" or "suggestion" or "note" => FindingSeverity.Info,
            "never" or "none" => FindingSeverity.Never,
            _ => 0,
        };
        return severity != 0;
    }

    private static bool TryParseFormat(string text, out ReportFormat value)
    {
        value = text.ToLowerInvariant() switch
        {
            "text" => ReportFormat.Text,
            "json" => ReportFormat.Json,
            "sarif" => ReportFormat.Sarif,
            _ => (ReportFormat)(-1),
        };
        return Enum.IsDefined(value);
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T? ParseChoice<T>(ArgumentResult result, TryParse<T> tryParse, string what, string[] choices)
        where T : struct
    {
        var text = result.Tokens.Single().Value;
        if (tryParse(text, out var value))
            return value;
        result.AddError($"unknown {what} '{text}' for {OptionName(result)}; use {string.Join(", ", choices[..^1])} or {choices[^1]}");
        return null;
    }

    private static ImmutableHashSet<string> ParseRules(ArgumentResult result, ImmutableSortedSet<string> known)
    {
        var ids = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!IsRuleId(rule))
                result.AddError($"'{rule}' is not a NanGuard rule id (NGxxxx) for {OptionName(result)}");
            else if (!known.Contains(rule))
                result.AddError($"'{rule}' is not a NanGuard rule for {OptionName(result)}; the rules are {RuleCatalog.Describe(known)}");
            ids.Add(rule.ToUpperInvariant());
        }
        return ids.ToImmutable();
    }

    // The name the user typed (an alias included), so that the message points at what is on their command line.
    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.IdentifierToken?.Value ?? option.Option.Name : result.Argument.Name;

    private static bool IsRuleId(string text) =>
        text.Length == 6 && text.StartsWith("NG", StringComparison.OrdinalIgnoreCase) && text.Skip(2).All(char.IsAsciiDigit);

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        private readonly string version;

        public PrintVersion(string version) => this.version = version;

        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.Tokens.Count > 1)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("--version cannot be combined with other arguments");
                return ExitCodes.UsageError;
            }
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return ExitCodes.Success;
        }
    }
}
