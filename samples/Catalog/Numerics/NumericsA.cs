// NG1003 to NG1008: exp, log and sigmoid written so that they over- or underflow.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class BinaryClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear output = nn.Linear(16, 1);

    public BinaryClassifier() : base(nameof(BinaryClassifier)) => RegisterComponents();

    // NG1006: a hand-written softmax, inf / inf for a logit above about 88.7.
    public override Tensor forward(Tensor x)
    {
        var logits = output.call(x);
        return torch.exp(logits) / torch.exp(logits).sum(1, keepdim: true);  // NanGuard: NG1006
    }
}

static class NumericsA
{
    public static void Run()
    {
        var model = new BinaryClassifier();
        var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.01);
        var x = torch.randn(32, 16);
        var y = torch.rand(32, 1);

        for (var step = 0; step < 100; step++)
        {
            optimizer.zero_grad();
            var logits = model.call(x);
            // NG1004: binary cross entropy on sigmoid probabilities.
            var loss = F.binary_cross_entropy(torch.sigmoid(logits), y);  // NanGuard: NG1004
            loss.backward();
            optimizer.step();  // NanGuard: NG2001
        }
    }

    // NG1004: the same loss written by hand.
    public static Tensor HandWrittenBinaryCrossEntropy(Tensor logits, Tensor y) =>
        -(y * torch.log(torch.sigmoid(logits)) + (1 - y) * torch.log(1 - torch.sigmoid(logits))).mean();  // NanGuard: NG1004

    // NG1003: log of a sigmoid, and of its complement.
    public static Tensor LogProbabilities(Tensor logits) =>
        torch.log(torch.sigmoid(logits)) + logits.sigmoid().log() + torch.log(1 - torch.sigmoid(logits));  // NanGuard: NG1003, NG1003, NG1003

    // NG1005: log of a sum of exponentials.
    public static Tensor LogPartition(Tensor scores) => torch.log(torch.exp(scores).sum(1));  // NanGuard: NG1005

    // NG1007: a hand-written softplus.
    public static Tensor Softplus(Tensor x) => torch.log(1 + torch.exp(x));  // NanGuard: NG1007

    // NG1008: log(1 + x) and exp(x) - 1 lose precision near 0.
    public static Tensor GrowthRate(Tensor rate, Tensor t) => torch.log(1 + rate) + (torch.exp(t) - 1);  // NanGuard: NG1008, NG1008
}
