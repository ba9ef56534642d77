using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>NG1017, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class ExpOfUnboundedOutput
{
    /// <summary>NG1017: the standard deviation from a layer's log-variance is inf once the log-variance exceeds 177.</summary>
    public static Tensor StandardDeviation(Tensor h, Tensor w) => torch.exp(0.5 * F.linear(h, w)); // NanGuard: NG1017

    /// <summary>NG1017 fixed.</summary>
    public static Tensor StandardDeviationFixed(Tensor h, Tensor w) => torch.exp((0.5 * F.linear(h, w)).clamp_max(20.0));
}
