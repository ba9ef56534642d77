using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>
/// NG2006: a model trained in float16 with no loss scaling: gradients below about 3e-8 are lost as 0. NG1020 also
/// finds Adam's default eps (1e-8), which is 0 in float16.
/// </summary>
static class UnscaledFloat16Training
{
    public static void Run(Tensor x, Tensor y)
    {
        var model = new Regressor().half();
        var adam = torch.optim.Adam(model.parameters(), lr: 1e-3);  // NanGuard: NG1020
        for (var epoch = 0; epoch < 10; epoch++)
        {
            adam.zero_grad();
            var loss = F.mse_loss(model.call(x.half()), y.half());
            loss.backward();  // NanGuard: NG2006
            var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            if (double.IsFinite(norm))
                adam.step();
        }
    }
}
