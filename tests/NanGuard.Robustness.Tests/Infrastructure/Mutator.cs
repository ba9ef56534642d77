using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// Turns a well-formed source into what an editor holds while the user types: cut at a point (everything after it not
/// yet typed), a stretch deleted in the middle, tokens deleted, duplicated or swapped. Seeded: the same generator
/// state gives the same mutations.
/// </summary>
public sealed class Mutator
{
    private readonly Random _random;

    public Mutator(Random random) => _random = random;

    /// <summary>One to three mutations of <paramref name="text"/>, and their description.</summary>
    public (string Text, string Description) Mutate(string text)
    {
        var steps = new List<string>();
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count && text.Length > 0; i++)
        {
            var (mutated, step) = _random.Next(6) switch
            {
                0 => CutAtToken(text),
                1 => CutAnywhere(text),
                2 => DeleteStretch(text),
                3 => EditTokens(text, duplicate: false),
                4 => EditTokens(text, duplicate: true),
                _ => SwapTokens(text),
            };
            text = mutated;
            steps.Add(step);
        }
        return (text, string.Join(", ", steps));
    }

    private (string, string) CutAtToken(string text)
    {
        var tokens = Tokens(text);
        if (tokens.Count == 0)
            return (text, "nothing to cut");
        var token = tokens[_random.Next(tokens.Count)];
        // Half a token too: the user is in the middle of typing it.
        var at = token.Span.Start + _random.Next(token.Span.Length + 1);
        return (text.Substring(0, at), $"cut at {at}");
    }

    private (string, string) CutAnywhere(string text)
    {
        var at = _random.Next(text.Length + 1);
        return (text.Substring(0, at), $"cut at {at}");
    }

    private (string, string) DeleteStretch(string text)
    {
        var start = _random.Next(text.Length);
        var length = Math.Min(text.Length - start, 1 + _random.Next(40));
        return (text.Remove(start, length), $"deleted {length} chars at {start}");
    }

    private (string, string) EditTokens(string text, bool duplicate)
    {
        var tokens = Tokens(text);
        if (tokens.Count == 0)
            return (text, "no tokens");
        var picked = Enumerable.Range(0, 1 + _random.Next(4)).Select(_ => tokens[_random.Next(tokens.Count)].Span)
            .Distinct().OrderByDescending(s => s.Start).ToList();
        var builder = new StringBuilder(text);
        foreach (var span in picked)
        {
            if (duplicate)
                builder.Insert(span.End, " " + text.Substring(span.Start, span.Length));
            else
                builder.Remove(span.Start, span.Length);
        }
        var what = duplicate ? "duplicated" : "deleted";
        return (builder.ToString(), $"{what} tokens at {string.Join("/", picked.Select(s => s.Start))}");
    }

    private (string, string) SwapTokens(string text)
    {
        var tokens = Tokens(text);
        if (tokens.Count < 2)
            return (text, "no tokens");
        var i = _random.Next(tokens.Count - 1);
        var (a, b) = (tokens[i].Span, tokens[i + 1].Span);
        var swapped = text.Substring(0, a.Start) + text.Substring(b.Start, b.Length) + text.Substring(a.End, b.Start - a.End)
            + text.Substring(a.Start, a.Length) + text.Substring(b.End);
        return (swapped, $"swapped tokens at {a.Start}");
    }

    private static List<SyntaxToken> Tokens(string text) =>
        CSharpSyntaxTree.ParseText(SourceText.From(text)).GetRoot().DescendantTokens()
            .Where(t => t.Span.Length > 0).ToList();
}
