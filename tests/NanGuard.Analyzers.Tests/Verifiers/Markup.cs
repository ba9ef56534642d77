using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace NanGuard.Analyzers.Tests.Verifiers;

/// <summary>A diagnostic a test expects: its id and the span it covers in one source file.</summary>
public sealed record ExpectedDiagnostic(string Id, string Path, TextSpan Span);

/// <summary>
/// Reads test markup: <c>[|code|]</c> marks a diagnostic of the rule under test, <c>{|NG1001:code|}</c> one of a named
/// rule. Marks may nest. <see cref="Render"/> writes diagnostics back as markup, so that a failing test shows the
/// actual result in the form to paste into it.
/// </summary>
public static class Markup
{
    /// <summary>The source without marks, and the diagnostics the marks expect.</summary>
    public static (string Text, ImmutableArray<ExpectedDiagnostic> Expected) Parse(string markup, string path, string? defaultId)
    {
        var text = new StringBuilder(markup.Length);
        var open = new Stack<(string? Id, int Start)>();
        var expected = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "[|"))
            {
                open.Push((null, text.Length));
                i++;
            }
            else if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|' && markup.IndexOf(':', i) is var colon && colon > i + 2 && IsId(markup, i + 2, colon))
            {
                open.Push((markup.Substring(i + 2, colon - i - 2), text.Length));
                i = colon;
            }
            else if (Starts(markup, i, "|]") || Starts(markup, i, "|}"))
            {
                if (open.Count == 0)
                    throw new FormatException($"{path}: '{markup.Substring(i, 2)}' at offset {i} closes no mark.");
                var (id, start) = open.Pop();
                var isBracket = markup[i + 1] == ']';
                if (isBracket != (id is null))
                    throw new FormatException($"{path}: '{markup.Substring(i, 2)}' at offset {i} closes a mark of the other kind.");
                id ??= defaultId ?? throw new FormatException($"{path}: [|...|] needs a rule id: the analyzer under test reports several; write {{|NGxxxx:...|}}.");
                expected.Add(new ExpectedDiagnostic(id, path, TextSpan.FromBounds(start, text.Length)));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }
        if (open.Count > 0)
            throw new FormatException($"{path}: a mark opened at offset {open.Peek().Start} is never closed.");
        return (text.ToString(), expected.ToImmutable());
    }

    /// <summary>Writes <paramref name="diagnostics"/> into <paramref name="text"/> as <c>{|id:...|}</c> marks.</summary>
    public static string Render(string text, IEnumerable<(string Id, TextSpan Span)> diagnostics)
    {
        var inserts = new List<(int Position, int Order, string Text)>();
        foreach (var (id, span) in diagnostics)
        {
            // Opening marks of longer spans come first, closing marks of shorter spans first: marks nest properly.
            inserts.Add((span.Start, -span.Length, "{|" + id + ":"));
            inserts.Add((span.End, int.MaxValue - span.Length, "|}"));
        }
        inserts.Sort((a, b) => a.Position != b.Position ? a.Position.CompareTo(b.Position) : a.Order.CompareTo(b.Order));
        var result = new StringBuilder(text);
        for (var i = inserts.Count - 1; i >= 0; i--)
            result.Insert(inserts[i].Position, inserts[i].Text);
        return result.ToString();
    }

    private static bool Starts(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    private static bool IsId(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!char.IsLetterOrDigit(text[i]))
                return false;
        }
        return true;
    }
}
