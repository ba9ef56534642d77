// Source: GitHub issue tdeboissiere/DeepLearningImplementations#68 (tf.sqrt in WGAN-GP gradient penalty formula throws NaNs): https://github.com/tdeboissiere/DeepLearningImplementations/issues/68
// Bug: the gradient penalty's slopes are sqrt(reduce_sum(square(grad), dims)); a zero gradient of the critic at an interpolate gives sqrt(0), whose gradient is inf, and NaN in the summaries.
// Fix: add 1e-8 inside the sqrt, as the reporter did.
// Hazard: sqrt at 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB049;

public static class GradientPenalty
{
    public static Tensor Compute(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake)
    {
        var alpha = torch.rand(real.shape[0], 1, 1, 1);
        var interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_();
        var output = critic.call(interpolates);
        var grad = torch.autograd.grad(new[] { output }, new[] { interpolates }, new[] { torch.ones_like(output) }, create_graph: true)[0];
        var slopes = torch.sqrt(torch.sum(torch.square(grad), new long[] { 1, 2, 3 })); // expect: NG1010
        return torch.mean(torch.square(slopes - 1.0));
    }
}
