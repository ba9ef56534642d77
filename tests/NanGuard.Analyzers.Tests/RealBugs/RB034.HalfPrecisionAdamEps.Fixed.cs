// Source: GitHub issue afiaka87/glide-finetune#5 (Training on half precision leads to nan values), fixed by pull request #6: https://github.com/afiaka87/glide-finetune/issues/5
// Bug: the model is converted to float16 and trained with Adam's default eps = 1e-8, which rounds to 0 in float16; a parameter whose second moment is 0 gets 0 / 0 = NaN after the first step.
// Fix: eps = 1e-4 for the half-precision run (pull request #6).
// Hazard: epsilon erased by rounding
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB034;

public static class Finetune
{
    public static optim.Optimizer CreateOptimizer(nn.Module<Tensor, Tensor> model, double learningRate)
    {
        model.half();
        return torch.optim.Adam(model.parameters(), lr: learningRate, eps: 1e-4);
    }
}
