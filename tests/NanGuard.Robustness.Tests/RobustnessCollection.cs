using System;
using System.IO;
using NanGuard.Robustness.Tests.Infrastructure;
using Xunit;

namespace NanGuard.Robustness.Tests;

/// <summary>
/// Every robustness test runs in this one collection: one at a time (timings stay meaningful on a shared machine),
/// and the figures of the whole run are printed once at its end.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RobustnessCollection : ICollectionFixture<RobustnessSummary>
{
    public const string Name = "Robustness";
}

/// <summary>Prints the run's figures when the collection ends: to the console for CI logs, and to a file beside the binaries.</summary>
public sealed class RobustnessSummary : IDisposable
{
    public void Dispose()
    {
        var summary = Statistics.Summary();
        Console.WriteLine(summary);
        Console.Error.WriteLine(summary);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "robustness-summary.txt"), summary + Environment.NewLine);
    }
}
