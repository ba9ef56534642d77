using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>
/// Numerics rules NG1011, NG1013 and NG1014, each tripped once (NanGuard reports the marked lines), beside the form
/// each fix writes.
/// </summary>
public static class NumericsC
{
    /// <summary>NG1011: a zero row has norm 0: 0 / 0.</summary>
    public static Tensor Unit(Tensor x) => x / x.norm(1, keepdim: true); // NanGuard: NG1011

    /// <summary>NG1011 fixed.</summary>
    public static Tensor UnitFixed(Tensor x) => F.normalize(x, 2.0, 1);

    /// <summary>NG1013: an empty mask sums to 0: 0 / 0.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum(); // NanGuard: NG1013

    /// <summary>NG1013 fixed.</summary>
    public static Tensor MaskedMeanFixed(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum().clamp_min(1);

    /// <summary>NG1014: a relu is 0 for every negative input: log(0) = -inf.</summary>
    public static Tensor LogRelu(Tensor x) => torch.log(F.relu(x)); // NanGuard: NG1014

    /// <summary>NG1014 fixed.</summary>
    public static Tensor LogReluFixed(Tensor x) => torch.log(F.relu(x).clamp_min(1e-8));
}
