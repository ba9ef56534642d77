using System;
using System.Text;

namespace NanGuard.Analyzers.Tests.Verifiers;

/// <summary>A line diff of expected and actual text, for failure messages.</summary>
public static class TextDiff
{
    public static string Describe(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var result = new StringBuilder();
        // Longest common subsequence of lines: small inputs, so the quadratic table is fine.
        var lcs = new int[expectedLines.Length + 1, actualLines.Length + 1];
        for (var i = expectedLines.Length - 1; i >= 0; i--)
        {
            for (var j = actualLines.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = expectedLines[i] == actualLines[j]
                    ? lcs[i + 1, j + 1] + 1
                    : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        int e = 0, a = 0;
        while (e < expectedLines.Length || a < actualLines.Length)
        {
            if (e < expectedLines.Length && a < actualLines.Length && expectedLines[e] == actualLines[a])
            {
                result.Append("    ").AppendLine(Visible(expectedLines[e]));
                e++;
                a++;
            }
            else if (a < actualLines.Length && (e == expectedLines.Length || lcs[e, a + 1] >= lcs[e + 1, a]))
            {
                result.Append("  + ").AppendLine(Visible(actualLines[a++]));
            }
            else
            {
                result.Append("  - ").AppendLine(Visible(expectedLines[e++]));
            }
        }
        result.AppendLine("(- expected, + actual)");
        return result.ToString();
    }

    private static string Visible(string line) => line.Replace("\r", "\\r").Replace("\t", "\\t");
}
