// The same classifier with the loss computed from the logits, and the gradient clipped before each step.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class Classifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(784, 128);
    private readonly Linear output = nn.Linear(128, 10);

    public Classifier() : base(nameof(Classifier)) => RegisterComponents();

    public override Tensor forward(Tensor images) => output.call(F.relu(hidden.call(images)));
}

static class Program
{
    static void Main()
    {
        var model = new Classifier();
        var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.1);

        for (var step = 0; step < 1000; step++)
        {
            var images = torch.randn(64, 784);
            var labels = torch.randint(0, 10, new long[] { 64 });

            optimizer.zero_grad();
            var logits = model.call(images);
            var loss = F.cross_entropy(logits, labels, reduction: torch.nn.Reduction.Sum);
            loss.backward();
            // Clip the global gradient norm, and skip the step where the norm is not finite.
            var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            if (double.IsNaN(norm) || double.IsInfinity(norm))
                optimizer.zero_grad();
            else
                optimizer.step();
        }
    }

    static double ValidationLoss(Classifier model, Tensor images, Tensor labels)
    {
        using var _ = torch.no_grad();
        var logits = model.call(images);
        return F.nll_loss(F.log_softmax(logits, 1), labels).item<float>();
    }
}
