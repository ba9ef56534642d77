// Source: GitHub issue pytorch/pytorch#108618 (Backward bypassing for torch.where): https://github.com/pytorch/pytorch/issues/108618
// Bug: a piecewise function is torch.where(x > 2, torch.log2(x), 2 * x); at x = 0 the unused log2 branch is -inf and the gradient NaN.
// Fix: give log2 a safe input in the unused region: torch.log2(torch.where(x > 2, x, 1)).
// Hazard: NaN through where's gradient
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB051;

public static class Piecewise
{
    public static Tensor Apply(Tensor x1) => torch.where(x1 > 2, torch.log2(torch.where(x1 > 2, x1, torch.ones_like(x1))), 2 * x1);
}
