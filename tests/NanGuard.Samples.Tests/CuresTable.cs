using System.Collections.Generic;
using System.Linq;
using Xunit;
using static NanGuard.Samples.Tests.SampleLog;

namespace NanGuard.Samples.Tests;

/// <summary>One row of samples/CnnAdamNoClipping/Cures' tables.</summary>
internal sealed record CuresRow(double LearningRate, int? NaNAt, double FirstLoss, double LastLoss, double LargestLogit, int Skipped, bool WeightsFinite, double TestAccuracy);

/// <summary>Reads samples/CnnAdamNoClipping/Cures' tables.</summary>
internal static class CuresTable
{
    /// <summary>The Cures tables' rows by run name: name (40 wide), lr, NaN at, loss 0, last loss, largest |logit|, skipped, weights, test acc.</summary>
    public static Dictionary<string, List<CuresRow>> Read(SampleLog log)
    {
        var runs = new Dictionary<string, List<CuresRow>>();
        foreach (var line in log.Lines.Where(line => line.StartsWith("  ", System.StringComparison.Ordinal) && line.EndsWith('%')))
        {
            var name = line.Substring(2, 40).Trim();
            var fields = Fields(line.Substring(42));
            var nanAt = string.Join(" ", fields[1..^6]);
            var row = new CuresRow(
                Number(fields[0]),
                nanAt == "-" ? null : int.Parse(nanAt.Replace("step ", "", System.StringComparison.Ordinal)),
                Number(fields[^6]), Number(fields[^5]), Number(fields[^4]), int.Parse(fields[^3]), fields[^2] == "finite", Number(fields[^1]));
            if (!runs.TryGetValue(name, out var list))
                runs[name] = list = new List<CuresRow>();
            list.Add(row);
        }

        Assert.True(runs.Count >= 2, log.Text);
        return runs;
    }
}
