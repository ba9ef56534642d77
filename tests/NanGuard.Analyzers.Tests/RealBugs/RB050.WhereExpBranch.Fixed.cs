// Source: GitHub issue pytorch/pytorch#68425 (torch.where produces nan in backward pass for differentiable forward pass): https://github.com/pytorch/pytorch/issues/68425
// Bug: an activation is torch.where(a <= 0, torch.exp(a), 1 + a); for a = 100 the unused branch exp(100) is inf and its gradient, multiplied by where's 0, is NaN.
// Fix: make the unused branch's input safe: torch.exp(torch.where(a <= 0, a, 0)) (the double where the thread recommends).
// Hazard: NaN through where's gradient
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB050;

public sealed class ExpLinearUnit : nn.Module<Tensor, Tensor>
{
    public ExpLinearUnit() : base(nameof(ExpLinearUnit)) { }

    public override Tensor forward(Tensor a) => torch.where(a <= 0, torch.exp(torch.where(a <= 0, a, torch.zeros_like(a))), 1 + a);
}
