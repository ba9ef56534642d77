using System;
using System.Collections.Generic;
using System.Linq;

namespace NanGuard.Runtime.Tests.Logging;

/// <summary>A sink that records what the log writes, and can be told to throw from a given write on.</summary>
internal sealed class RecordingSink : ISummarySink
{
    private readonly int _failAtWrite;

    /// <param name="failAtWrite">The 1-based write that throws, and every one after it; 0 never throws.</param>
    internal RecordingSink(int failAtWrite = 0) => _failAtWrite = failAtWrite;

    internal List<(string Tag, float Value, int Step)> Scalars { get; } = new();

    internal List<(string Tag, string Text, int Step)> Texts { get; } = new();

    /// <summary>Writes attempted, including those that threw.</summary>
    internal int Attempts { get; private set; }

    public void Scalar(string tag, float value, int step)
    {
        Attempt();
        Scalars.Add((tag, value, step));
    }

    public void Text(string tag, string text, int step)
    {
        Attempt();
        Texts.Add((tag, text, step));
    }

    internal IReadOnlyList<int> Steps(string tag) => Scalars.Where(s => s.Tag == tag).Select(s => s.Step).ToList();

    internal IReadOnlyList<float> Values(string tag) => Scalars.Where(s => s.Tag == tag).Select(s => s.Value).ToList();

    private void Attempt()
    {
        Attempts++;
        if (_failAtWrite > 0 && Attempts >= _failAtWrite)
        {
            throw new System.IO.IOException("No space left on device");
        }
    }
}
