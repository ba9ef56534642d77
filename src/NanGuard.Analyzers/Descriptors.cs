using Microsoft.CodeAnalysis;

namespace NanGuard.Analyzers;

/// <summary>How every NanGuard rule's descriptor is made (each rule declares its own): the categories, the help link.</summary>
public static class Descriptors
{
    /// <summary>Where the rule pages live; each rule's help link is this plus <c>NGxxxx.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/nanguard/nanguard/blob/main/docs/rules/";

    internal const string Numerics = "NanGuard.Numerics";
    internal const string Training = "NanGuard.Training";
    internal const string Usage = "NanGuard.Usage";

    /// <summary>The page that documents a rule.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    /// <summary>A rule's descriptor, enabled by default, with its help link.</summary>
    internal static DiagnosticDescriptor Create(
        string id, string category, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLink(id));
}
