using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// Counts the host synchronisations NanGuard.Runtime makes: each time it copies a tensor's value to the host (an
/// <c>item()</c>, or a few numbers read together), the device must finish its queued work first. On a GPU each one
/// stalls the pipeline, so the runtime reads as few as it can: one a step for <see cref="TrainingGuard.Step(Tensor)"/>
/// (the loss and the gradient norm read together), and more only on a bad step, to describe it.
/// </summary>
public static class HostSynchronizations
{
    private static long _count;

    /// <summary>Host synchronisations made by NanGuard.Runtime in this process so far (all threads).</summary>
    public static long Count => Interlocked.Read(ref _count);

    internal static void Add() => Interlocked.Increment(ref _count);
}

/// <summary>Every copy of a tensor value to the host goes through here, and is counted.</summary>
internal static class Host
{
    internal static T Item<T>(Tensor tensor)
        where T : unmanaged
    {
        HostSynchronizations.Add();
        return tensor.item<T>();
    }

    /// <summary>A single-element tensor of any real dtype, as a double.</summary>
    internal static double Double(Tensor tensor)
    {
        HostSynchronizations.Add();
        return tensor.ToDouble();
    }

    /// <summary>All the values of a small tensor, as doubles, in one copy.</summary>
    internal static double[] Doubles(Tensor tensor)
    {
        HostSynchronizations.Add();
        using var values = tensor.to_type(ScalarType.Float64);
        using var cpu = values.cpu();
        using var contiguous = cpu.contiguous();
        using var data = contiguous.data<double>();
        return data.ToArray();
    }
}
