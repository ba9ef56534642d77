using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>
/// NG2004: zero_grad once, before the loop: the gradients add up across iterations. The loop also ignores the norm
/// clip_grad_norm_ returns (NG2002).
/// </summary>
static class MissingZeroGrad
{
    public static void Run(Tensor x, Tensor y)
    {
        var accumulating = new Regressor();
        var adam = torch.optim.Adam(accumulating.parameters(), lr: 1e-3);
        adam.zero_grad();
        for (var epoch = 0; epoch < 10; epoch++)
        {
            F.mse_loss(accumulating.call(x), y).backward();
            torch.nn.utils.clip_grad_norm_(accumulating.parameters(), 1.0);  // NanGuard: NG2002
            adam.step();  // NanGuard: NG2004
        }
    }
}
