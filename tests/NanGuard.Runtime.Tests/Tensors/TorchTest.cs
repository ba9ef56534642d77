using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// The tests that run libtorch share one collection: they run one at a time, because libtorch's random generator and
/// anomaly mode are process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibTorchCollection
{
    public const string Name = "libtorch";
}

/// <summary>A custom module with a nested Sequential, so module paths have two levels ("block.log").</summary>
internal sealed class TinyNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential block;
    private readonly Linear head;

    /// <param name="inner">The second module of the block, after block.fc (4 features in, 4 out).</param>
    internal TinyNet(nn.Module<Tensor, Tensor> inner) : base(nameof(TinyNet))
    {
        block = nn.Sequential(("fc", nn.Linear(3, 4)), ("inner", inner));
        head = nn.Linear(4, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = block.call(input);
        return head.call(hidden);
    }
}

/// <summary>log(x): NaN for the negative entries of its input, the classic NaN source.</summary>
internal sealed class Log : nn.Module<Tensor, Tensor>
{
    internal Log() : base(nameof(Log))
    {
    }

    /// <summary>The forward hooks registered on this module (TorchSharp keeps them in a protected dictionary).</summary>
    internal int ForwardHookCount => post_hooks.Count;

    public override Tensor forward(Tensor input) => input.log();
}

/// <summary>Reading tensors back as numbers, and comparing them bit for bit.</summary>
internal static class Values
{
    internal static float[] Of(Tensor tensor)
    {
        using var detached = tensor.detach();
        using var cpu = detached.cpu();
        using var contiguous = cpu.contiguous();
        using var data = contiguous.data<float>();
        return data.ToArray();
    }

    /// <summary>A copy of every state-dict entry (weights and buffers), by name.</summary>
    internal static Dictionary<string, float[]> Weights(nn.Module model) =>
        model.state_dict().ToDictionary(e => e.Key, e => Of(e.Value));

    internal static float[]? Gradient(Parameter parameter)
    {
        using var grad = parameter.grad;
        return grad is null ? null : Of(grad);
    }

    internal static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    internal static void BitEqual(float[] expected, float[] actual) => Assert.Equal(Bits(expected), Bits(actual));

    internal static void BitEqual(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (name, values) in expected)
        {
            Assert.True(Bits(values).SequenceEqual(Bits(actual[name])), $"'{name}' differs");
        }
    }

    internal static bool SameBits(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        a.Keys.All(k => b.TryGetValue(k, out var other) && Bits(a[k]).SequenceEqual(Bits(other)));

    internal static void AllFinite(IEnumerable<float> values, string what) =>
        Assert.True(values.All(float.IsFinite), what + " is not all finite: " + string.Join(", ", values));

    internal static void AllFinite(Dictionary<string, float[]> weights)
    {
        foreach (var (name, values) in weights)
        {
            AllFinite(values, name);
        }
    }

    /// <summary>The global p-norm of the gradients, in double, as clip_grad_norm_ defines it.</summary>
    internal static double GradientNorm(IEnumerable<Parameter> parameters, double p = 2.0)
    {
        var all = parameters.Select(Gradient).Where(g => g is not null).SelectMany(g => g!).Select(v => (double)v).ToList();
        return double.IsPositiveInfinity(p) ? all.Max(Math.Abs) : Math.Pow(all.Sum(v => Math.Pow(Math.Abs(v), p)), 1 / p);
    }

    internal static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), 1e-30),
            $"{what}: expected {expected:R}, got {actual:R} (relative tolerance {relative})");

    internal static void Close(float[] expected, float[] actual, double absolute, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= absolute,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {absolute})");
        }
    }
}

/// <summary>Tiny models, batches and losses.</summary>
internal static class Batches
{
    internal static Tensor Input(long seed, params long[] shape)
    {
        using var generator = new Generator((ulong)seed);
        return torch.randn(shape, generator: generator);
    }

    /// <summary>A mean squared error against a fixed target: a loss whose gradient reaches every parameter.</summary>
    internal static Tensor Loss(nn.Module<Tensor, Tensor> model, long seed, long inputs = 3, long outputs = 2)
    {
        using var x = Input(seed, 4, inputs);
        using var target = Input(seed + 1000, 4, outputs);
        using var y = model.call(x);
        return nn.functional.mse_loss(y, target);
    }

    /// <summary>The loss above times NaN: a NaN loss whose backward sends NaN into every gradient.</summary>
    internal static Tensor NaNLoss(nn.Module<Tensor, Tensor> model, long seed, long inputs = 3, long outputs = 2)
    {
        using var loss = Loss(model, seed, inputs, outputs);
        return loss * float.NaN;
    }

    /// <summary>A Sequential of two Linear layers; the same seed gives the same weights.</summary>
    internal static Sequential Mlp(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(("fc1", nn.Linear(3, 4)), ("act", nn.Tanh()), ("fc2", nn.Linear(4, 2)));
    }

    /// <summary>Puts an infinity into the first element of a parameter's gradient.</summary>
    internal static void PoisonGradient(Parameter parameter, float value = float.PositiveInfinity)
    {
        using var noGrad = torch.no_grad();
        using var grad = parameter.grad!;
        using var flat = grad.view(-1);
        using var first = flat[0];
        first.fill_(value);
    }
}
