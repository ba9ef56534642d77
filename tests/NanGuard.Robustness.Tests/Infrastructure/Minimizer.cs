using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>Shrinks a failing input line by line (delta debugging) while it still fails, within a time budget.</summary>
public static class Minimizer
{
    public static string Minimize(string text, Func<string, bool> stillFails, TimeSpan budget)
    {
        var watch = Stopwatch.StartNew();
        var lines = text.Split('\n').ToList();
        for (var chunk = Math.Max(1, lines.Count / 2); chunk >= 1 && watch.Elapsed < budget; chunk /= 2)
        {
            for (var start = 0; start < lines.Count && watch.Elapsed < budget;)
            {
                var candidate = lines.Take(start).Concat(lines.Skip(start + chunk)).ToList();
                if (candidate.Count > 0 && stillFails(string.Join('\n', candidate)))
                    lines = candidate;
                else
                    start += chunk;
            }
            if (chunk == 1)
                break;
        }
        return string.Join('\n', lines);
    }
}
