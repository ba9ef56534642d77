using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.ApiMisuse;

/// <summary>
/// NG3001: the static <c>torch.clamp_min_</c> is not in place. The norm it meant to clamp is then a divisor that can
/// be 0, so the division shows NG1011 too.
/// </summary>
static class StaticClampNotInPlace
{
    public static Tensor Normalize(Tensor h)
    {
        var norm = h.norm(1, keepdim: true);
        // NG3001: torch.clamp_min_ returns a clamped copy; `norm` can still be 0 below.
        torch.clamp_min_(norm, 1e-6);  // NanGuard: NG3001
        return h / norm;  // NanGuard: NG1011
    }
}
