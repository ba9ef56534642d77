using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>A recurrent model: its gradients can explode through time.</summary>
sealed class SequenceRegressor : nn.Module<Tensor, Tensor>
{
    private readonly LSTM lstm = nn.LSTM(8, 16);
    private readonly Linear output = nn.Linear(16, 1);

    public SequenceRegressor() : base(nameof(SequenceRegressor)) => RegisterComponents();

    public override Tensor forward(Tensor x) => output.call(lstm.call(x, null).Item1);
}

/// <summary>
/// NG2001: an optimizer step with no gradient clipping, a warning here because the model holds a recurrent layer
/// (a high rate raises it for SGD; NG1004's loop shows it raised by the loss). Plain SGD: its step
/// is the rate times the gradient, so a gradient exploding through time moves the weights as far, and clipping bounds
/// it (with Adam it would not: its step is about the rate whatever the gradient; the message says so).
/// </summary>
static class UnclippedStep
{
    public static void Run(Tensor x, Tensor y)
    {
        var model = new SequenceRegressor();
        var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.1);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            optimizer.zero_grad();
            F.mse_loss(model.call(x), y).backward();
            optimizer.step();  // NanGuard: NG2001
        }
    }
}
