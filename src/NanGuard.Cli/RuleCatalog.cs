using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Reflection;
using NanGuard.Analyzers;

namespace NanGuard.Cli;

/// <summary>
/// The rule ids the command line accepts, read from <see cref="DiagnosticIds"/>'s constants: no analyzer is built and
/// no Roslyn type is loaded to parse a command line. A test holds them equal to the analyzer's descriptors.
/// </summary>
public static class RuleCatalog
{
    /// <summary>Every NanGuard rule id.</summary>
    public static ImmutableSortedSet<string> Ids { get; } = typeof(DiagnosticIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToImmutableSortedSet(StringComparer.Ordinal);

    /// <summary>The ids as runs of consecutive numbers: <c>NG1001-NG1015, NG2001-NG2006, NG3001-NG3004</c>.</summary>
    public static string Describe(IEnumerable<string> ids)
    {
        var runs = new List<(string First, string Last)>();
        int? previous = null;
        foreach (var id in ids.Select(i => i.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal))
        {
            var number = int.TryParse(id.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            if (runs.Count > 0 && number is not null && previous + 1 == number)
                runs[^1] = (runs[^1].First, id);
            else
                runs.Add((id, id));
            previous = number;
        }
        return string.Join(", ", runs.Select(r => r.First == r.Last ? r.First : r.First + "-" + r.Last));
    }
}
