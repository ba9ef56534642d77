using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>NG1014, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class LogOfZeroable
{
    /// <summary>NG1014: a relu is 0 for every negative input: log(0) = -inf.</summary>
    public static Tensor LogRelu(Tensor x) => torch.log(F.relu(x)); // NanGuard: NG1014

    /// <summary>NG1014 fixed.</summary>
    public static Tensor LogReluFixed(Tensor x) => torch.log(F.relu(x).clamp_min(1e-8));
}
