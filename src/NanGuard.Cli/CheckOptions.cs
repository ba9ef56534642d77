using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace NanGuard.Cli;

/// <summary>The report formats <c>--format</c> accepts.</summary>
public enum ReportFormat
{
    /// <summary><c>file(line,col): severity id: message</c> lines and a summary.</summary>
    Text,
    /// <summary>A JSON document of findings and summary.</summary>
    Json,
    /// <summary>SARIF 2.1.0, for code scanning uploads.</summary>
    Sarif,
}

/// <summary>The severities a finding can have, in increasing order; <c>--fail-on</c> picks a threshold.</summary>
public enum FindingSeverity
{
    /// <summary>A suggestion (Roslyn's Info).</summary>
    Info = 1,
    /// <summary>A warning.</summary>
    Warning = 2,
    /// <summary>An error.</summary>
    Error = 3,
    /// <summary>Only as a threshold: never fail.</summary>
    Never = 4,
}

/// <summary>What <c>nanguard check</c> was asked to do.</summary>
public sealed record CheckOptions(
    string Path,
    ReportFormat Format,
    string? OutputFile,
    FindingSeverity FailOn,
    bool Fix,
    ImmutableHashSet<string> Rules,
    bool Quiet)
{
    /// <summary>True when <paramref name="id"/> passes the <c>--rule</c> filter (no filter: every rule).</summary>
    public bool IncludesRule(string id) => Rules.IsEmpty || Rules.Contains(id);
}

/// <summary>The outcome of parsing the command line: options to run, text to print, or an error.</summary>
public sealed record ParseResult(CheckOptions? Options, string? Output, string? Error)
{
    /// <summary>Arguments to run.</summary>
    public static ParseResult Run(CheckOptions options) => new(options, null, null);
    /// <summary>Print this (help, version) and exit successfully.</summary>
    public static ParseResult Print(string text) => new(null, text, null);
    /// <summary>Bad arguments: print this and the usage, exit with <see cref="ExitCodes.UsageError"/>.</summary>
    public static ParseResult Fail(string error) => new(null, null, error);
}

/// <summary>Parses <c>nanguard</c>'s arguments. No Roslyn here: it decides, the command acts.</summary>
public static class CommandLine
{
    /// <summary>The usage text <c>--help</c> prints.</summary>
    public const string Usage = """
        Usage: nanguard check <path> [options]

        <path>  a folder of .cs files, a .cs file, a .csproj, or a .sln/.slnx
                (projects and solutions load through MSBuild; run `dotnet restore` first)

        Options:
          --format <text|json|sarif>   report format (default: text)
          -o, --output <file>          write the report to a file instead of standard output
          --fail-on <error|warning|info|never>
                                       exit with 1 when a finding at or above this severity remains (default: warning)
          --fix                        apply NanGuard's code fixes and write the changed files
          --rule <id>[,<id>...]        only these rules (repeatable), for findings and fixes
          -q, --quiet                  no progress messages
          -h, --help                   show this help
          --version                    show the version

        Exit codes: 0 clean, 1 findings remain, 2 bad arguments or path, 3 load or write failure.
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args, string version)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help" or "-?")
            return ParseResult.Print(Usage);
        if (args[0] == "--version")
            return ParseResult.Print(version);
        if (args[0] != "check")
            return ParseResult.Fail($"unknown command '{args[0]}'; the command is 'check'");

        string? path = null;
        string? output = null;
        var format = ReportFormat.Text;
        var failOn = FindingSeverity.Warning;
        var fix = false;
        var quiet = false;
        var rules = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);

        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inlineValue) = SplitInlineValue(arg);
            switch (name)
            {
                case "-h" or "--help":
                    return ParseResult.Print(Usage);
                case "--fix":
                    fix = true;
                    break;
                case "-q" or "--quiet":
                    quiet = true;
                    break;
                case "--format":
                    if (!TryValue(args, ref i, inlineValue, name, out var formatText, out var error))
                        return ParseResult.Fail(error);
                    if (!TryParseFormat(formatText, out format))
                        return ParseResult.Fail($"unknown format '{formatText}'; use text, json or sarif");
                    break;
                case "-o" or "--output":
                    if (!TryValue(args, ref i, inlineValue, name, out output, out error))
                        return ParseResult.Fail(error);
                    break;
                case "--fail-on" or "--severity":
                    if (!TryValue(args, ref i, inlineValue, name, out var severityText, out error))
                        return ParseResult.Fail(error);
                    if (!TryParseThreshold(severityText, out failOn))
                        return ParseResult.Fail($"unknown severity '{severityText}'; use error, warning, info or never");
                    break;
                case "--rule" or "--rules":
                    if (!TryValue(args, ref i, inlineValue, name, out var ruleText, out error))
                        return ParseResult.Fail(error);
                    foreach (var rule in ruleText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!IsRuleId(rule))
                            return ParseResult.Fail($"'{rule}' is not a NanGuard rule id (NGxxxx)");
                        rules.Add(rule.ToUpperInvariant());
                    }
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                        return ParseResult.Fail($"unknown option '{arg}'");
                    if (path is not null)
                        return ParseResult.Fail($"one path only; got '{path}' and '{arg}'");
                    path = arg;
                    break;
            }
        }

        if (path is null)
            return ParseResult.Fail("missing <path>: a folder, .cs file, .csproj or .sln to check");
        return ParseResult.Run(new CheckOptions(path, format, output, failOn, fix, rules.ToImmutable(), quiet));
    }

    private static (string Name, string? Value) SplitInlineValue(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
            return (arg, null);
        var equals = arg.IndexOf('=');
        return equals < 0 ? (arg, null) : (arg[..equals], arg[(equals + 1)..]);
    }

    private static bool TryValue(IReadOnlyList<string> args, ref int i, string? inlineValue, string name, out string value, out string error)
    {
        error = "";
        if (inlineValue is not null)
        {
            value = inlineValue;
            return true;
        }
        if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            value = args[++i];
            return true;
        }
        value = "";
        error = $"option '{name}' needs a value";
        return false;
    }

    private static bool TryParseFormat(string text, out ReportFormat format)
    {
        format = text.ToLowerInvariant() switch
        {
            "text" => ReportFormat.Text,
            "json" => ReportFormat.Json,
            "sarif" => ReportFormat.Sarif,
            _ => (ReportFormat)(-1),
        };
        return Enum.IsDefined(format);
    }

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

    private static bool IsRuleId(string text) =>
        text.Length == 6 && text.StartsWith("NG", StringComparison.OrdinalIgnoreCase) && text.Skip(2).All(char.IsAsciiDigit);
}
