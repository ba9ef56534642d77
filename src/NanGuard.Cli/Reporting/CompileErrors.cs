using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace NanGuard.Cli.Reporting;

/// <summary>How often a name comes up in one cause of compiler errors: a type, namespace or member not found.</summary>
public sealed record NameCount(string Name, int Count);

/// <summary>
/// One cause of compiler errors: the errors with one id and one message shape (the compiler's message format, its
/// arguments shown as <c>…</c>), how many there are, in how many files, the names they most often are about, and the
/// first of them.
/// </summary>
public sealed record CompileErrorCause(string Id, string Shape, int Errors, int Files, IReadOnlyList<NameCount> Names, Finding Example);

/// <summary>
/// The compiler's own errors (CS*) in the files analysed: NanGuard's rules see only what binds, so in a file with
/// errors a finding may be missing. <see cref="Files"/> counts files with at least one error; <see cref="Causes"/>
/// groups the errors by id and message shape, the most common first.
/// </summary>
public sealed record CompileErrors(int FilesAnalyzed, int Files, int Errors, IReadOnlyList<CompileErrorCause> Causes)
{
    /// <summary>How many causes the text report lists.</summary>
    public const int ShownCauses = 5;

    /// <summary>How many names a cause lists.</summary>
    public const int ShownNames = 5;

    /// <summary>No error.</summary>
    public static CompileErrors None(int filesAnalyzed) => new(filesAnalyzed, 0, 0, Array.Empty<CompileErrorCause>());

    /// <summary>True when the compiler reported an error in what was analysed.</summary>
    public bool Any => Errors > 0;

    /// <summary>True when every file analysed has a compiler error.</summary>
    public bool NothingCompiled => FilesAnalyzed > 0 && Files >= FilesAnalyzed;

    /// <summary>The sentence every report gives: how many files do not compile, and what that means for the findings.</summary>
    public string Headline =>
        (NothingCompiled
            ? FilesAnalyzed == 1 ? "the 1 file analysed does not compile" : $"none of the {FilesAnalyzed} files analysed compiles"
            : $"{Files} of {Plural(FilesAnalyzed, "file")} analysed {(Files == 1 ? "does" : "do")} not compile")
        + $" ({Plural(Errors, "compiler error")}): NanGuard's findings in {(Files == 1 ? "it" : "them")} may be missing";

    /// <summary>
    /// Summarizes <paramref name="diagnostics"/>: the compiler's errors (CS*, severity error, in source) among them.
    /// <paramref name="analyzedFiles"/> are the files a report counts; an error elsewhere (the SDK's global usings a
    /// folder check adds) joins its cause but counts no file.
    /// </summary>
    public static CompileErrors Summarize(IEnumerable<Diagnostic> diagnostics, IReadOnlyCollection<string> analyzedFiles)
    {
        var files = analyzedFiles as ISet<string> ?? new HashSet<string>(analyzedFiles, StringComparer.Ordinal);
        var errors = diagnostics.Where(IsCompilerError).Select(Describe)
            .OrderBy(e => files.Contains(e.Finding.FilePath) ? 0 : 1)
            .ThenBy(e => e.Finding.FilePath, StringComparer.Ordinal).ThenBy(e => e.Finding.Line).ThenBy(e => e.Finding.Column)
            .ToList();
        var causes = errors
            .GroupBy(e => (e.Finding.Id, e.Shape))
            .Select(g => new CompileErrorCause(
                g.Key.Id,
                g.Key.Shape,
                g.Count(),
                g.Select(e => e.Finding.FilePath).Where(files.Contains).Distinct(StringComparer.Ordinal).Count(),
                g.Where(e => e.Name is not null).GroupBy(e => e.Name!, StringComparer.Ordinal)
                    .Select(n => new NameCount(n.Key, n.Count()))
                    .OrderByDescending(n => n.Count).ThenBy(n => n.Name, StringComparer.Ordinal)
                    .Take(ShownNames).ToList(),
                g.First().Finding))
            .OrderByDescending(c => c.Files).ThenByDescending(c => c.Errors).ThenBy(c => c.Id, StringComparer.Ordinal).ThenBy(c => c.Shape, StringComparer.Ordinal)
            .ToList();
        var withErrors = errors.Select(e => e.Finding.FilePath).Where(files.Contains).Distinct(StringComparer.Ordinal).Count();
        return new CompileErrors(files.Count, withErrors, errors.Count, causes);
    }

    /// <summary>True for an error of the C# compiler itself, in a source file.</summary>
    public static bool IsCompilerError(Diagnostic diagnostic) =>
        diagnostic.Severity == DiagnosticSeverity.Error
        && diagnostic.Id.StartsWith("CS", StringComparison.Ordinal)
        && diagnostic.Location.IsInSource;

    /// <summary>One line for a cause: <c>CS0246 in 3 files (8 errors): The type or namespace name '…' could not be found …: Newtonsoft x5, Foo x3</c>.</summary>
    public static string Describe(CompileErrorCause cause)
    {
        var names = cause.Names.Count == 0 ? "" : ": " + string.Join(", ", cause.Names.Select(n => $"{n.Name} x{n.Count}"));
        return $"{cause.Id} in {Plural(cause.Files, "file")} ({Plural(cause.Errors, "error")}): {cause.Shape}{names}";
    }

    private static (Finding Finding, string Shape, string? Name) Describe(Diagnostic diagnostic)
    {
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        var format = diagnostic.Descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
        var (shape, arguments) = Parse(format, message);
        var span = diagnostic.Location.GetLineSpan();
        var finding = new Finding(span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
            FindingSeverity.Error, diagnostic.Id, shape, message, null);
        return (finding, shape, Subject(diagnostic.Id, arguments));
    }

    /// <summary>
    /// The message's shape (its format with each argument shown as <c>…</c>) and its arguments, by placeholder
    /// number; where the message does not follow its format, the message itself and no argument.
    /// </summary>
    public static (string Shape, IReadOnlyDictionary<int, string> Arguments) Parse(string format, string message)
    {
        var placeholders = Regex.Matches(format, @"\{(\d+)\}");
        if (placeholders.Count == 0)
            return (string.IsNullOrEmpty(format) ? message : format, new Dictionary<int, string>());
        var pattern = new System.Text.StringBuilder("^");
        var seen = new HashSet<int>();
        var last = 0;
        foreach (Match placeholder in placeholders)
        {
            pattern.Append(Regex.Escape(format[last..placeholder.Index]));
            var number = int.Parse(placeholder.Groups[1].Value, CultureInfo.InvariantCulture);
            pattern.Append(seen.Add(number) ? $"(?<p{number}>.*?)" : $@"\k<p{number}>");
            last = placeholder.Index + placeholder.Length;
        }
        pattern.Append(Regex.Escape(format[last..])).Append('$');
        var match = Regex.Match(message, pattern.ToString(), RegexOptions.Singleline);
        if (!match.Success)
            return (message, new Dictionary<int, string>());
        var shape = Regex.Replace(format, @"\{\d+\}", "…");
        return (shape, seen.ToDictionary(n => n, n => match.Groups["p" + n.ToString(CultureInfo.InvariantCulture)].Value));
    }

    // What an error is about, by the compiler's own argument order: the name not found, or the type and its missing member.
    private static string? Subject(string id, IReadOnlyDictionary<int, string> arguments)
    {
        if (arguments.Count == 0)
            return null;
        string Arg(int n) => arguments.TryGetValue(n, out var value) ? value : "";
        return id switch
        {
            "CS0234" => $"{Arg(1)}.{Arg(0)}",          // The type or namespace name '{0}' does not exist in the namespace '{1}'
            "CS1061" or "CS0117" => $"{Arg(0)}.{Arg(1)}", // '{0}' does not contain a definition for '{1}'
            _ => arguments.Count == 1 ? arguments.Values.Single() : string.Join(", ", arguments.OrderBy(a => a.Key).Select(a => a.Value).Distinct(StringComparer.Ordinal)),
        };
    }

    private static string Plural(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");
}
