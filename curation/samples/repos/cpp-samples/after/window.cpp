#include <iostream>
#include <vector>

std::vector<double> moving_average(const std::vector<double>& samples, size_t width) {
    std::vector<double> averages;
    if (width == 0 || samples.size() < width) return averages;
    averages.reserve(samples.size() - width + 1);
    double sum = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
        sum += samples[i];
        if (i >= width) sum -= samples[i - width];
        if (i + 1 >= width) averages.push_back(sum / static_cast<double>(width));
    }
    return averages;
}

int main() {
    std::vector<double> samples(100000, 1.5);
    std::cout << moving_average(samples, 50).size() << "\n";
}
