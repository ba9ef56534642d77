using System.Collections.Immutable;

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
    bool Quiet,
    bool FixReadOnly = false,
    ImmutableHashSet<string>? Excluded = null,
    bool AllowCompileErrors = false)
{
    /// <summary>The rules <c>--exclude</c> leaves out.</summary>
    public ImmutableHashSet<string> ExcludedRules => Excluded ?? ImmutableHashSet<string>.Empty;

    /// <summary>True when <paramref name="id"/> passes the <c>--rule</c> filter (no filter: every rule) and <c>--exclude</c> does not leave it out.</summary>
    public bool IncludesRule(string id) => (Rules.IsEmpty || Rules.Contains(id)) && !ExcludedRules.Contains(id);
}
